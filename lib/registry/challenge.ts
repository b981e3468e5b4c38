/** A parsed `WWW-Authenticate` challenge (RFC 7235 auth-params, as registries send them). */
export interface Challenge {
  scheme: "bearer" | "basic" | string;
  params: Record<string, string>;
}

/** Parses the first challenge of a WWW-Authenticate header; quoted values may hold commas and `\"`. */
export function parseChallenge(header: string | null | undefined): Challenge | null {
  if (!header) return null;
  const match = /^\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const scheme = (match[1] ?? "").toLowerCase();
  const params: Record<string, string> = {};
  const param = /\s*([\w!#$%&'*+.^`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  const rest = match[2] ?? "";
  let found: RegExpExecArray | null;
  while ((found = param.exec(rest)) && found[0] !== "") {
    const value = found[2] !== undefined ? found[2].replace(/\\(.)/g, "$1") : (found[3] ?? "");
    params[(found[1] ?? "").toLowerCase()] = value;
  }
  return { scheme, params };
}
