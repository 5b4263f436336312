// A small history router for the pages under /dashboard.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/dashboard';
const listeners = new Set<() => void>();

export function navigate(to: string) {
  history.pushState(null, '', BASE + to);
  for (const fn of listeners) fn();
  window.scrollTo(0, 0);
}

/** The path below /dashboard: '' for the Overview, '/licenses/lic_…' and so on. */
export function usePath(): string {
  const read = () => location.pathname.replace(/^\/dashboard/, '').replace(/\/$/, '');
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export function Link(props: {
  to: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page';
}) {
  const { to, children, ...rest } = props;
  return (
    <a
      {...rest}
      href={BASE + to}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
