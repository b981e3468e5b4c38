/**
 * The file tree's filter: a substring (case-insensitive), or a glob when it has `*` or `?`:
 * `*` stays within a name, `**` crosses directories, `?` is one character. A glob without a
 * leading `/` may match at any depth (`*.conf` finds /etc/nginx/nginx.conf).
 */
export function pathMatcher(filter: string): (path: string) => boolean {
  const text = filter.trim();
  if (!text) return () => true;
  if (!/[*?]/.test(text)) {
    const needle = text.toLowerCase();
    return (path) => path.toLowerCase().includes(needle);
  }
  let source = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === "*" && text[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const pattern = new RegExp(`${text.startsWith("/") ? "^" : "(^|/)"}${source}$`, "i");
  return (path) => pattern.test(path);
}
