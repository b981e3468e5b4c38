import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatMode, formatSignedBytes, shortDigest } from "@/lib/core/format";

describe("formatBytes and formatSignedBytes", () => {
  it("writes sizes in decimal units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(4_100_000)).toBe("4.1 MB");
  });

  it("signs a change with + or a real minus sign", () => {
    expect(formatSignedBytes(4_100_000)).toBe("+4.1 MB");
    expect(formatSignedBytes(-4_100_000)).toBe("\u22124.1 MB");
    expect(formatSignedBytes(-12)).toBe("\u221212 B");
    expect(formatSignedBytes(0)).toBe("0 B");
  });
});

describe("formatMode", () => {
  it.each([
    ["file", 0o644, "-rw-r--r--"],
    ["file", 0o755, "-rwxr-xr-x"],
    ["file", 0o4755, "-rwsr-xr-x"],
    ["file", 0o4644, "-rwSr--r--"],
    ["file", 0o2755, "-rwxr-sr-x"],
    ["file", 0o2745, "-rwxr-Sr-x"],
    ["dir", 0o1777, "drwxrwxrwt"],
    ["dir", 0o1776, "drwxrwxrwT"],
    ["dir", 0o755, "drwxr-xr-x"],
    ["symlink", 0o777, "lrwxrwxrwx"],
    ["hardlink", 0o600, "-rw-------"],
    ["char", 0o620, "crw--w----"],
    ["block", 0o660, "brw-rw----"],
    ["fifo", 0o000, "p---------"],
    ["file", 0o7777, "-rwsrwsrwt"],
  ] as const)("%s %o → %s", (type, mode, text) => {
    expect(formatMode(type, mode)).toBe(text);
  });

  it("ignores the type bits a tar header may carry in its mode", () => {
    expect(formatMode("file", 0o100644)).toBe("-rw-r--r--");
  });
});

describe("formatCount and shortDigest", () => {
  it("groups digits by three", () => {
    expect(formatCount(7)).toBe("7");
    expect(formatCount(2130)).toBe("2\u202f130");
    expect(formatCount(1234567)).toBe("1\u202f234\u202f567");
  });

  it("keeps the algorithm and twelve hex digits", () => {
    expect(shortDigest(`sha256:${"0123456789abcdef".repeat(4)}`)).toBe("sha256:0123456789ab");
  });
});
