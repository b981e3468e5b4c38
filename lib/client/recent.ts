import { useMemo, useSyncExternalStore } from "react";

/** The user's recent references, kept in this browser only. */
const KEY = "porthole:recent-refs";
const MAX = 8;

function stored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: recents are a convenience
  }
}

function parse(text: string | null): string[] {
  try {
    const parsed = JSON.parse(text ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === "string").slice(0, MAX) : [];
  } catch {
    return [];
  }
}

// Another tab remembering a reference updates this one.
function subscribe(listener: () => void): () => void {
  window.addEventListener("storage", listener);
  return () => window.removeEventListener("storage", listener);
}

/** The recent references; none while rendering on the server, so the hydrated HTML matches. */
export function useRecentRefs(): string[] {
  const text = useSyncExternalStore(subscribe, stored, () => null);
  return useMemo(() => parse(text), [text]);
}

export function rememberRef(ref: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify([ref, ...parse(stored()).filter((r) => r !== ref)].slice(0, MAX)));
  } catch {
    // storage full or disabled: recents are a convenience
  }
}
