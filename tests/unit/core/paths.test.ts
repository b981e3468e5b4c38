import { describe, expect, it } from "vitest";
import { bytesOfName, nameOfBytes } from "@/lib/core/names";
import { cleanPath, whiteoutOf } from "@/lib/core/paths";

describe("cleanPath: every spelling of a tar name becomes one absolute path", () => {
  const table: [string, string][] = [
    ["x", "/x"],
    ["./x", "/x"],
    ["x/", "/x"],
    ["/x", "/x"],
    ["//x//y/", "/x/y"],
    ["a/./b", "/a/b"],
    ["./", "/"],
    [".", "/"],
    ["a/../b", "/b"],
    ["../../etc/passwd", "/etc/passwd"],
    ["/../../x", "/x"],
    ["a/b/../../../c", "/c"],
  ];
  it.each(table)("%j → %j", (input, expected) => expect(cleanPath(input)).toBe(expected));
});

describe("nameOfBytes: names that are not UTF-8 stay listed, distinct and reversible", () => {
  const latin1 = (bytes: number[]) => Uint8Array.from(bytes);
  const text = (name: string) => new TextEncoder().encode(name);

  it("reads valid UTF-8 names as they are, including %", () => {
    expect(nameOfBytes(text("häßlich ☃ 100%.txt"))).toBe("häßlich ☃ 100%.txt");
  });

  it("escapes invalid bytes as %XX and a literal % as %25, keeping valid characters", () => {
    expect(nameOfBytes(latin1([0x63, 0x61, 0x66, 0xe9]))).toBe("caf%E9");
    expect(nameOfBytes(latin1([0x25, 0xff, 0xc3, 0xa4]))).toBe("%25%FFä");
  });

  it("escapes the % of a valid name that looks escaped, so it cannot collide with one", () => {
    expect(nameOfBytes(text("%E9"))).toBe("%25E9");
    expect(nameOfBytes(text("plain-ascii_name.txt"))).toBe("plain-ascii_name.txt");
    expect(nameOfBytes(latin1([0xe9]))).toBe("%E9");
  });

  it("is one to one: distinct byte names give distinct strings that give the bytes back", () => {
    const samples = [[0xe9], [0xe8], [0x25, 0x45, 0x39], [0x25], [0x25, 0x32, 0x35], [0xc3], [0xc3, 0x28], [0x61, 0x25, 0xe9], [0xe2, 0x98, 0x83]];
    const names = samples.map((bytes) => nameOfBytes(latin1(bytes)));
    expect(new Set(names).size).toBe(names.length);
    samples.forEach((bytes, i) => expect([...bytesOfName(names[i] as string)]).toEqual(bytes));
  });
});

describe("whiteoutOf: OCI layer.md markers", () => {
  it("reads .wh.<name> as a whiteout of <name> in the same directory", () => {
    expect(whiteoutOf("/etc/.wh.passwd")).toEqual({ kind: "whiteout", target: "/etc/passwd" });
    expect(whiteoutOf("/.wh.tmp")).toEqual({ kind: "whiteout", target: "/tmp" });
  });
  it("reads .wh..wh..opq as an opaque marker of its directory", () => {
    expect(whiteoutOf("/var/cache/.wh..wh..opq")).toEqual({ kind: "opaque", dir: "/var/cache" });
  });
  it("leaves ordinary names alone", () => {
    expect(whiteoutOf("/etc/wh.conf")).toBeNull();
    expect(whiteoutOf("/etc/.wh.")).toBeNull();
  });
});
