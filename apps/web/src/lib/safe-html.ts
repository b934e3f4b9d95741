// The server sanitises descriptions to an allow-list when they are written (catalog.content.ts). The page
// checks again before it hands HTML to React, so a description stored before a policy change, or written
// around the API, still cannot run script in a buyer's browser.
const ALLOWED_TAGS = new Set(
  'p br hr h2 h3 h4 strong b em i u s del sub sup blockquote code pre ul ol li a img table thead tbody tr th td span'.split(
    ' ',
  ),
);
const ALLOWED_ATTRS: Record<string, Set<string>> = {
  a: new Set(['href', 'title', 'rel', 'target']),
  img: new Set(['src', 'alt', 'width', 'height']),
  td: new Set(['colspan', 'rowspan']),
  th: new Set(['colspan', 'rowspan']),
};
const SAFE_LINK = /^(https?:|mailto:)/i;
const OWN_IMAGE = /^\/api\/v1\/uploads\/[a-z0-9]+\.(png|jpg|webp)$/;

function clean(node: Element): void {
  for (const child of [...node.children]) {
    const tag = child.tagName.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) {
      child.remove();
      continue;
    }
    const allowed = ALLOWED_ATTRS[tag];
    for (const attr of [...child.attributes]) {
      if (!allowed?.has(attr.name)) child.removeAttribute(attr.name);
    }
    if (tag === 'a') {
      const href = child.getAttribute('href');
      if (href !== null && !SAFE_LINK.test(href.trim())) child.removeAttribute('href');
      child.setAttribute('rel', 'noopener noreferrer nofollow');
      child.setAttribute('target', '_blank');
    }
    if (tag === 'img' && !OWN_IMAGE.test(child.getAttribute('src') ?? '')) {
      child.remove();
      continue;
    }
    clean(child);
  }
}

/** Allow-listed HTML for `dangerouslySetInnerHTML`; parsing with DOMParser runs no script and loads nothing. */
export function safeHtml(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  clean(doc.body);
  return doc.body.innerHTML;
}
