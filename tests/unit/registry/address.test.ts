import { describe, expect, it } from "vitest";
import { classifyAddress, parseIpLiteral } from "@/lib/registry/address";

describe("classifyAddress: every non-public range, in every spelling", () => {
  const table: [string, string][] = [
    ["127.0.0.1", "loopback"],
    ["127.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["2130706433", "loopback"],
    ["0x7f.1", "loopback"],
    ["0x7f000001", "loopback"],
    ["017700000001", "loopback"],
    ["0177.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["[::ffff:127.0.0.1]", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["::ffff:192.168.1.1", "private"],
    ["::ffff:10.1.2.3", "private"],
    ["2002:c0a8:0101::1", "private"],
    ["169.254.169.254", "link-local"],
    ["0xa9.0xfe.0xa9.0xfe", "link-local"],
    ["::ffff:169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "link-local"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["0.0.0.0", "unspecified"],
    ["0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["[::]", "unspecified"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["8.8.8.8", "public"],
    ["172.32.0.1", "public"],
    ["100.128.0.1", "public"],
    ["2606:4700::1111", "public"],
    ["::ffff:8.8.8.8", "public"],
  ];
  it.each(table)("%s is %s", (host, expected) => {
    expect(classifyAddress(host)).toBe(expected);
  });

  it("returns null for host names and malformed literals", () => {
    for (const host of ["registry.example.com", "localhost", "1.2.3.4.5", "256.1.1.1", "1::2::3", "::ffff:1.2.3.256"]) {
      expect(classifyAddress(host), host).toBeNull();
    }
  });

  it("reduces odd spellings to one canonical address", () => {
    expect(parseIpLiteral("127.1")?.address).toBe("127.0.0.1");
    expect(parseIpLiteral("2130706433")?.address).toBe("127.0.0.1");
    expect(parseIpLiteral("0x7f.1")?.address).toBe("127.0.0.1");
    expect(parseIpLiteral("[::ffff:127.0.0.1]")?.address).toBe("0:0:0:0:0:ffff:7f00:1");
  });
});
