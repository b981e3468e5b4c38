/** A filter that asks for a package's files: `pkg:NAME` (or `pkg:type:NAME`). */
const PACKAGE_FILTER = /^pkg:\s*(.*)$/i;

/** The package a `pkg:NAME` filter names, or null for any other filter. */
export function packageQuery(filter: string): string | null {
  const match = PACKAGE_FILTER.exec(filter.trim());
  return match ? (match[1] as string).trim() : null;
}

/** What a filter that is a plain substring looks for, lower case; null for a glob or a package's files. */
export function substringOf(filter: string): string | null {
  const text = filter.trim();
  return text && packageQuery(text) === null && !/[*?]/.test(text) ? text.toLowerCase() : null;
}

/**
 * The file tree's filter: a substring (case-insensitive), or a glob when it has `*` or `?`:
 * `*` stays within a name, `**` crosses directories, `?` is one character. A glob without a
 * leading `/` may match at any depth (`*.conf` finds /etc/nginx/nginx.conf).
 * `pkg:NAME` keeps the paths `packageFiles` says that package owns: none while they are not known.
 */
export function pathMatcher(filter: string, packageFiles?: (name: string) => ReadonlySet<string> | undefined): (path: string) => boolean {
  const text = filter.trim();
  if (!text) return () => true;
  const name = packageQuery(text);
  if (name === "") return () => true;
  if (name !== null) {
    const owned = packageFiles?.(name);
    return (path) => owned?.has(path) ?? false;
  }
  const needle = substringOf(text);
  if (needle !== null) return (path) => path.toLowerCase().includes(needle);
  const pattern = new RegExp(`${text.startsWith("/") ? "^" : text.startsWith("**") ? "" : "(^|/)"}${globSource(text, PATH_CLASSES)}$`, "i");
  return (path) => pattern.test(path);
}

/** What a glob's wildcards stand for, as regular expression source: `*` (within a name), `**` (across names), `?` (one character of a name). */
export interface GlobClasses {
  name: string;
  any: string;
  char: string;
}

const PATH_CLASSES: GlobClasses = { name: "[^/]*", any: ".*", char: "[^/]" };

/** A glob (a filter with `*` or `?`) as regular expression source, its wildcards as `classes` say, every other character literal. */
export function globSource(glob: string, classes: GlobClasses): string {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === "*" && glob[i + 1] === "*") {
      source += classes.any;
      i++;
    } else if (char === "*") source += classes.name;
    else if (char === "?") source += classes.char;
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return source;
}
