import sanitizeHtml from 'sanitize-html';

/** Covers are served from here; a description may show only our own images, never a tracking pixel. */
export const UPLOADS_URL_PREFIX = '/api/v1/uploads/';
const OWN_IMAGE = /^\/api\/v1\/uploads\/[a-z0-9]{32}\.(png|jpg|webp)$/;

// control characters other than tab and newlines: NUL cannot be stored on PostgreSQL at all
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is removed
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const DESCRIPTION_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h2',
    'h3',
    'h4',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'del',
    'sub',
    'sup',
    'blockquote',
    'code',
    'pre',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'span',
  ],
  // rel and target are always overwritten by transformTags below
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // script, style and the like lose their content too, not only their tags
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'title',
    'iframe',
    'object',
    'embed',
    'svg',
    'math',
  ],
  transformTags: {
    a: (tagName, { rel: _rel, target: _target, ...attribs }) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow noopener noreferrer', target: '_blank' },
    }),
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !OWN_IMAGE.test(frame.attribs.src ?? ''),
  nestingLimit: 20,
};

/** A description as the storefront may render it: allow-listed tags and attributes, no scripts, handlers or javascript: URLs. */
export function sanitizeDescription(html: string): string {
  return sanitizeHtml(html.replace(CONTROL_CHARS, ''), DESCRIPTION_POLICY).trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The readable text of sanitised HTML, for checks that must not be split by tags (敏<b>感</b>). */
export function textOf(html: string): string {
  const bare = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} });
  return bare.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Lower case, without whitespace or zero-width characters, so 赌 博 and G a M b L e still match. */
function normalise(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b-\u200d\u2060\ufeff]+/g, '');
}

/** The banned words that appear in any of the texts, in the order of the list. */
export function findBannedWords(words: string[], texts: string[]): string[] {
  const haystack = texts.map(normalise);
  const found: string[] = [];
  for (const w of words) {
    const needle = normalise(w);
    if (needle && haystack.some((h) => h.includes(needle))) found.push(w);
  }
  return found;
}
