/**
 * Classifies IP addresses for the private-host gate. Pure and synchronous: every spelling of an
 * address is first reduced to canonical form (`127.1`, `2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`
 * all become 127.0.0.1) so that no spelling slips past the check.
 */
export type AddressClass = "public" | "loopback" | "private" | "link-local" | "cgnat" | "unspecified" | "unique-local" | "multicast" | "reserved";

/** Parses IPv4 the way inet_aton does (1–4 parts; decimal, 0-octal or 0x-hex): what resolvers accept. */
function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length < 1 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return null;
    values.push(value);
  }
  const last = values.pop() as number;
  if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return null;
  let result = 0;
  values.forEach((v, i) => (result += v * 2 ** (8 * (3 - i))));
  return result + last;
}

function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses IPv6 (with `::` and an embedded dotted IPv4 tail; a zone id is dropped) into 8 groups. */
function parseIPv6(text: string): number[] | null {
  let body = text.replace(/%.*$/, "");
  if (!/^[0-9a-f:.]+$/i.test(body) || !body.includes(":")) return null;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(":");
  const dotted = body.slice(lastColon + 1);
  if (dotted.includes(".")) {
    const octets = dotted.split(".").map(Number);
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(dotted) || octets.some((o) => o > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    tail.push(a * 256 + b, c * 256 + d);
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const toGroups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = toGroups(halves[0] ?? "");
  const rest = halves.length === 2 ? toGroups(halves[1] ?? "") : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const zeros: string[] = halves.length === 2 ? new Array(8 - explicit).fill("0") : [];
  return [...head, ...zeros, ...rest].map((g) => parseInt(g, 16)).concat(tail);
}

/** An IP literal in any spelling, as `{ family, address }` in canonical form; null if `host` is a name. */
export function parseIpLiteral(host: string): { family: 4 | 6; address: string; groups?: number[]; value?: number } | null {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const v4 = parseIPv4(bare);
  if (v4 !== null) return { family: 4, address: formatIPv4(v4), value: v4 };
  const v6 = parseIPv6(bare);
  if (v6 !== null) return { family: 6, address: v6.map((g) => g.toString(16)).join(":"), groups: v6 };
  return null;
}

function inV4(value: number, base: string, bits: number): boolean {
  const size = 2 ** (32 - bits);
  const start = parseIPv4(base) as number;
  return value >= start && value < start + size;
}

function classifyIPv4(value: number): AddressClass {
  if (inV4(value, "0.0.0.0", 8)) return "unspecified";
  if (inV4(value, "127.0.0.0", 8)) return "loopback";
  if (inV4(value, "10.0.0.0", 8) || inV4(value, "172.16.0.0", 12) || inV4(value, "192.168.0.0", 16)) return "private";
  if (inV4(value, "169.254.0.0", 16)) return "link-local";
  if (inV4(value, "100.64.0.0", 10)) return "cgnat";
  if (inV4(value, "224.0.0.0", 4)) return "multicast";
  if (
    inV4(value, "192.0.0.0", 24) || // IETF protocol assignments
    inV4(value, "192.0.2.0", 24) ||
    inV4(value, "198.51.100.0", 24) ||
    inV4(value, "203.0.113.0", 24) || // documentation
    inV4(value, "198.18.0.0", 15) || // benchmarking
    inV4(value, "240.0.0.0", 4) // reserved and broadcast
  ) {
    return "reserved";
  }
  return "public";
}

function classifyIPv6(groups: number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded = g6 * 65536 + g7;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0) return g7 === 0 ? "unspecified" : g7 === 1 ? "loopback" : classifyIPv4(embedded);
  if (upperZero && g5 === 0xffff) return classifyIPv4(embedded); // IPv4-mapped
  if (upperZero && g5 === 0) return classifyIPv4(embedded); // IPv4-compatible (deprecated)
  if (g0 === 0x64 && g1 === 0xff9b) return classifyIPv4(embedded); // NAT64 well-known prefix
  if (g0 === 0x2002) return classifyIPv4(g1 * 65536 + g2); // 6to4 carries an IPv4 address
  if ((g0 & 0xfe00) === 0xfc00) return "unique-local";
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return "link-local"; // incl. deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return "multicast";
  if (g0 === 0x2001 && g1 === 0xdb8) return "reserved"; // documentation
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return "reserved"; // discard-only
  return "public";
}

/** The class of an IP literal in any spelling; null when `host` is not an IP literal. */
export function classifyAddress(host: string): AddressClass | null {
  const ip = parseIpLiteral(host);
  if (!ip) return null;
  return ip.family === 4 ? classifyIPv4(ip.value as number) : classifyIPv6(ip.groups as number[]);
}
