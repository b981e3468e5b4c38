/**
 * What the package-database parsers share: reading a database file's bytes as text, walking its lines
 * and collecting problems. Each has a bound, so a hostile file costs bounded work and memory; running
 * into one is reported, never thrown.
 */
import type { CatalogResult, DatabaseProblem, FoundPackage, ImageFiles } from "@/lib/packages/types";

/** Real databases are a few MB at most (a Debian status file with thousands of packages): a larger file is not read. */
export const MAX_DATABASE_BYTES = 64 * 1024 * 1024;
/** Real database lines (a field, a path) are short: a longer line is cut to this and reported. */
export const MAX_LINE_CHARS = 64 * 1024;
/** A real system has a few thousand packages: one catalog stops reading at this many. */
export const MAX_PACKAGES = 100_000;
/** Enough to see what is wrong with a database; a broken file could otherwise yield one per line. */
const MAX_PROBLEMS_PER_DATABASE = 20;

/** Reports one problem with the database it was made for. */
export type Report = (message: string) => void;

/** A reporter for `db` that keeps the first problems and then says once that there are more. */
export function reporter(problems: DatabaseProblem[], db: string): Report {
  let count = 0;
  return (message) => {
    count++;
    if (count <= MAX_PROBLEMS_PER_DATABASE) problems.push({ db, message });
    else if (count === MAX_PROBLEMS_PER_DATABASE + 1)
      problems.push({ db, message: `more than ${MAX_PROBLEMS_PER_DATABASE} problems: the rest are not listed` });
  };
}

/**
 * The loop the parsers share: each database of `paths` that the image has, in order, handed to `read`
 * with a reporter of its own, the packages of all of them in one list.
 */
export function readDatabases(
  files: ImageFiles,
  paths: readonly string[],
  read: (bytes: Uint8Array, db: string, packages: FoundPackage[], report: Report) => void,
): CatalogResult {
  const packages: FoundPackage[] = [];
  const problems: DatabaseProblem[] = [];
  for (const db of paths) {
    const bytes = files.get(db);
    if (bytes) read(bytes, db, packages, reporter(problems, db));
  }
  return { packages, problems };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

/**
 * A database file's text, or undefined when it is too large to read. Bytes that are not UTF-8 are
 * reported and read as U+FFFD, so one bad byte (a Latin-1 maintainer name) costs only that field.
 */
export function decodeDatabase(bytes: Uint8Array, report: Report, maxBytes = MAX_DATABASE_BYTES): string | undefined {
  if (bytes.length > maxBytes) {
    report(`is ${bytes.length} bytes, more than the ${maxBytes} read: not read`);
    return undefined;
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    report("is not valid UTF-8: the bytes that are not were read as U+FFFD");
    return lenientUtf8.decode(bytes);
  }
}

export interface Line {
  /** 1-based, for problem messages. */
  number: number;
  /** Without its line ending; at most MAX_LINE_CHARS characters. */
  text: string;
  /** The line was longer than MAX_LINE_CHARS and `text` is only its start. */
  cut: boolean;
}

/** The lines of `text` (LF or CRLF endings). A line too long is cut and reported, so no huge string is copied. */
export function* linesOf(text: string, report: Report): Generator<Line> {
  let number = 0;
  for (let start = 0; start < text.length;) {
    number++;
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    const cut = end - start > MAX_LINE_CHARS;
    if (cut) report(`line ${number} is longer than ${MAX_LINE_CHARS} characters: only its start was read`);
    let line = text.slice(start, cut ? start + MAX_LINE_CHARS : end);
    if (!cut && line.endsWith("\r")) line = line.slice(0, -1);
    yield { number, text: line, cut };
    start = end + 1;
  }
}
