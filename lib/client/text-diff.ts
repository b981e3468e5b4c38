import { structuredPatch } from "diff";

/**
 * Two texts as a unified diff, one row per line with its number on each side, as `diff -u` groups
 * them: hunks of changed lines with a few lines of context around them.
 */
export type DiffRow =
  | { kind: "hunk"; header: string }
  | { kind: "context" | "added" | "removed"; oldLine: number | null; newLine: number | null; text: string }
  /** `\ No newline at end of file`, after the line it is about. */
  | { kind: "note"; text: string };

export interface DiffOptions {
  /** Lines of context around each change. */
  context?: number;
  /** Give up (null) after this long: two large, very different texts would freeze the page. */
  timeoutMs?: number;
}

const KIND = { " ": "context", "+": "added", "-": "removed" } as const;

/** Every line of a text that is on one side only, numbered (an added or removed file). */
function oneSided(text: string, kind: "added" | "removed"): DiffRow[] {
  const lines = text.split("\n");
  const newlineAtEnd = lines.at(-1) === "";
  if (newlineAtEnd) lines.pop();
  const rows: DiffRow[] = [
    { kind: "hunk", header: kind === "added" ? `@@ -0,0 +1,${lines.length} @@` : `@@ -1,${lines.length} +0,0 @@` },
    ...lines.map((line, i): DiffRow => ({ kind, oldLine: kind === "removed" ? i + 1 : null, newLine: kind === "added" ? i + 1 : null, text: line })),
  ];
  if (!newlineAtEnd) rows.push({ kind: "note", text: "\\ No newline at end of file" });
  return rows;
}

/** The rows of `a` → `b`; empty when they are equal; null when they are too different to diff in time. */
export function textDiff(a: string, b: string, { context = 3, timeoutMs = 1500 }: DiffOptions = {}): DiffRow[] | null {
  if (a === b) return [];
  if (a === "") return oneSided(b, "added");
  if (b === "") return oneSided(a, "removed");
  const patch = structuredPatch("a", "b", a, b, undefined, undefined, { context, timeout: timeoutMs });
  if (!patch) return null;
  const rows: DiffRow[] = [];
  for (const hunk of patch.hunks) {
    rows.push({ kind: "hunk", header: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const line of hunk.lines) {
      const marker = line[0];
      if (marker === "\\") {
        rows.push({ kind: "note", text: line });
        continue;
      }
      const kind = KIND[marker as keyof typeof KIND];
      rows.push({ kind, oldLine: kind === "added" ? null : oldLine++, newLine: kind === "removed" ? null : newLine++, text: line.slice(1) });
    }
  }
  return rows;
}
