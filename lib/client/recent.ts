/** The user's recent references, kept in this browser only. */
const KEY = "porthole:recent-refs";
const MAX = 8;

export function recentRefs(): string[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === "string").slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberRef(ref: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify([ref, ...recentRefs().filter((r) => r !== ref)].slice(0, MAX)));
  } catch {
    // storage full or disabled: recents are a convenience
  }
}
