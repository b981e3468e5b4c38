import { useSyncExternalStore } from "react";

// history.replaceState fires no hashchange: setHash tells the subscribers itself.
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("hashchange", listener);
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
      () => window.location.hash,
      () => "",
    ),
    setHash,
  ];
}
