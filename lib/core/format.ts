import type { EntryType } from "@/lib/core/api-types";

const UNITS = ["B", "kB", "MB", "GB", "TB"];

/** 1234567 → "1.2 MB" (decimal units, as registries and dive print them). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction >= 0.9995 || fraction === 0 ? 0 : 1)} %`;
}

/** A size change: "+1.2 MB", "−4.1 MB" (a real minus sign), "0 B". */
export function formatSignedBytes(delta: number): string {
  if (delta === 0) return "0 B";
  return `${delta > 0 ? "+" : "\u2212"}${formatBytes(Math.abs(delta))}`;
}

const TYPE_LETTER: Record<EntryType, string> = { file: "-", hardlink: "-", dir: "d", symlink: "l", char: "c", block: "b", fifo: "p" };

/** `ls -l`'s mode column: (file, 0o4755) → "-rwsr-xr-x"; setuid, setgid and sticky as s/S, s/S, t/T. */
export function formatMode(type: EntryType, mode: number): string {
  const special = [0o4000, 0o2000, 0o1000];
  const letters = ["s", "s", "t"];
  let text = TYPE_LETTER[type] ?? "?";
  for (let who = 0; who < 3; who++) {
    const bits = (mode >> (6 - who * 3)) & 7;
    const execute = (bits & 1) !== 0;
    const marked = (mode & (special[who] as number)) !== 0;
    const letter = letters[who] as string;
    text += (bits & 4 ? "r" : "-") + (bits & 2 ? "w" : "-");
    text += marked ? (execute ? letter : letter.toUpperCase()) : execute ? "x" : "-";
  }
  return text;
}

/** 2130 → "2 130": digits grouped by three with a narrow no-break space, as in "−2 130 files". */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
}

/** `sha256:0123456789abcdef…` → `sha256:0123456789ab`: enough to tell two images apart at a glance. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(":");
  return digest.slice(0, colon + 13);
}
