import { useSyncExternalStore } from "react";

// history.replaceState fires no hashchange: setHash tells the subscribers itself.
const listeners = new Set<() => void>();

/**
 * The URL's fragment as meant. Next.js 16.4.6 keeps a page's first fragment in its route cache and
 * puts the new one after it when an in-app move returns to that page (`#treemap#treemap`); a
 * fragment of ours never holds a raw `#`, so the last one is the one meant.
 */
export function meantHash(hash: string): string {
  const last = hash.lastIndexOf("#");
  return last > 0 ? hash.slice(last) : hash;
}

/** Puts a doubled fragment right in the address bar too, so a link copied from it is the page shown. */
function mendHash(): void {
  const hash = window.location.hash;
  if (meantHash(hash) !== hash) setHash(meantHash(hash));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("hashchange", listener);
  mendHash();
  return () => {
    listeners.delete(listener);
    window.removeEventListener("hashchange", listener);
  };
}

/** Replaces the URL's fragment without a navigation or a new history entry. */
function setHash(hash: string): void {
  history.replaceState(null, "", `${window.location.pathname}${window.location.search}${hash}`);
  for (const listener of listeners) listener();
}

/** The URL's fragment (`#L12`), and a setter; "" while rendering on the server. */
export function useHash(): [string, (hash: string) => void] {
  return [
    useSyncExternalStore(
      subscribe,
      () => meantHash(window.location.hash),
      () => "",
    ),
    setHash,
  ];
}
