import { type MouseEvent, useSyncExternalStore } from 'react';

// A handful of pages do not need a router library; the server answers every non-API GET with index.html,
// so a deep link (or a reload) lands on the same page.

const listeners = new Set<() => void>();

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('popstate', onChange);
  };
}

function notify(): void {
  for (const onChange of listeners) onChange();
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

/** The query string of the current address (`?a=1`); pages keep their filters there so links can be shared. */
export function useSearch(): URLSearchParams {
  const search = useSyncExternalStore(subscribe, () => location.search);
  return new URLSearchParams(search);
}

/** Goes to `to` inside the app; `state` is read back with `navigationState()` on the new page. */
export function navigate(to: string, state: unknown = null, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(state, '', to);
  else {
    history.pushState(state, '', to);
    window.scrollTo(0, 0);
  }
  notify();
}

export function navigationState(): unknown {
  return history.state;
}

/** `/products/:id` against `/products/prd_1` → `{ id: 'prd_1' }`, or null when the path does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const seg = got[i] ?? '';
    if (part.startsWith(':')) {
      if (!seg) return null;
      try {
        params[part.slice(1)] = decodeURIComponent(seg);
      } catch {
        return null;
      }
    } else if (part !== seg) return null;
  }
  return params;
}

/** `path` with the defined, non-empty values of `query` as its query string. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Props for an `<a>` or an antd `Button` that navigate in-app but still open in a new tab on ctrl/middle click. */
export function linkTo(to: string): { href: string; onClick: (e: MouseEvent<HTMLElement>) => void } {
  return {
    href: to,
    onClick: (e) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(to);
    },
  };
}
