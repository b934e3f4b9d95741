import { type MouseEvent, useSyncExternalStore } from 'react';

// Three pages do not need a router library; the server answers every non-API GET with index.html.

const listeners = new Set<() => void>();

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('popstate', onChange);
  };
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

/** Goes to `to` inside the app; `state` is read back with `navigationState()` on the new page. */
export function navigate(to: string, state: unknown = null): void {
  history.pushState(state, '', to);
  window.scrollTo(0, 0);
  for (const onChange of listeners) onChange();
}

export function navigationState(): unknown {
  return history.state;
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
