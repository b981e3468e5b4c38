import "server-only";

/** Whether an `Accept-Encoding` header takes gzip: named (or `*`) with a weight above 0 (RFC 9110 12.5.3). */
export function acceptsGzip(header: string | null | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const weight = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    return (name.trim() === "gzip" || name.trim() === "*") && (weight === undefined || Number(weight) > 0);
  });
}
