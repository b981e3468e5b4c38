import { globSource, packageQuery, substringOf, type GlobClasses } from "@/lib/core/glob";

/**
 * A search of the tree index's paths (lib/fs/tree-index.ts) a block at a time: the lines that may
 * match are found in the block's text as a whole (one `indexOf` loop, one regular expression),
 * not line by line. They are a superset of the matches, in order: the caller checks each path.
 * A line's path is its first JSON string, so it reads as the path itself unless it holds a
 * character JSON escapes (a quote, a backslash, a control character): those lines, which have a
 * backslash, are always candidates.
 */
export type CandidateLines = (block: string) => string[];

// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const ESCAPED_IN_JSON = /["\\\u0000-\u001f]/;

/** The glob's wildcards in a line's path: never past the quote that ends it, nor the line. */
const IN_PATH: GlobClasses = { name: '[^/"\\n]*', any: '[^"\\n]*', char: '[^/"\\n]' };

const lineAt = (block: string, start: number) => block.slice(start, block.indexOf("\n", start));

/** The starts of the lines holding an index in `hits`, and of every line with a backslash, in order, each once. */
function linesOf(block: string, hits: number[]): string[] {
  const starts = new Set<number>();
  for (let at = block.indexOf("\\"); at >= 0; at = block.indexOf("\\", block.indexOf("\n", at) + 1)) starts.add(block.lastIndexOf("\n", at) + 1);
  for (const hit of hits) starts.add(block.lastIndexOf("\n", hit) + 1);
  return [...starts].sort((a, b) => a - b).map((start) => lineAt(block, start));
}

function substringLines(needle: string): CandidateLines {
  return (block) => {
    const lower = block.toLowerCase();
    // Lower case changed a length (a rare letter): offsets no longer match, so every line is a candidate.
    if (lower.length !== block.length) return block.slice(0, -1).split("\n");
    const hits: number[] = [];
    for (let hit = lower.indexOf(needle); hit >= 0; hit = lower.indexOf(needle, lower.indexOf("\n", hit) + 1)) hits.push(hit);
    return linesOf(block, hits);
  };
}

function globLines(glob: string): CandidateLines {
  // A leading `**` matches from the start anyway: a second way to start would only cost backtracking.
  const anchor = glob.startsWith("/") || glob.startsWith("**") ? "" : '(?:[^"\\n]*/)?';
  const pattern = new RegExp(`^\\["${anchor}${globSource(glob, IN_PATH)}",`, "gim");
  return (block) =>
    linesOf(
      block,
      [...block.matchAll(pattern)].map((match) => match.index),
    );
}

/** How to find a filter's candidate lines in a block; null when only a line-by-line look will do (a package's files, a filter with an escaped character). */
export function candidateLines(filter: string): CandidateLines | null {
  const text = filter.trim();
  if (!text || packageQuery(text) !== null || ESCAPED_IN_JSON.test(text)) return null;
  const needle = substringOf(text);
  return needle !== null ? substringLines(needle) : globLines(text);
}
