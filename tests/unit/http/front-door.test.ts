import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/http/client-address";
import { RateLimiter } from "@/lib/http/rate-limit";

describe("RateLimiter: a token bucket per client", () => {
  it("lets a client burst up to its limit, then says how long to wait", () => {
    let now = 0;
    const limiter = new RateLimiter(
      () => 60,
      () => now,
    );
    for (let i = 0; i < 60; i++) expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1); // one token a second at 60 a minute
    now += 1000;
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1);
  });

  it("keeps clients apart: one over its limit does not slow another", () => {
    const limiter = new RateLimiter(
      () => 2,
      () => 0,
    );
    limiter.take("greedy");
    limiter.take("greedy");
    expect(limiter.take("greedy")).toBe(30);
    expect(limiter.take("polite")).toBe(0);
  });

  it("refills only up to the limit, however long a client was away", () => {
    let now = 0;
    const limiter = new RateLimiter(
      () => 3,
      () => now,
    );
    limiter.take("a");
    now += 3_600_000;
    for (let i = 0; i < 3; i++) expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBeGreaterThan(0);
  });
});

const request = (remoteAddress: string, forwarded?: string) =>
  ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded } }) as unknown as IncomingMessage;

describe("clientAddress", () => {
  it("is the socket's peer, and ignores X-Forwarded-For unless proxies are trusted (anyone can send it)", () => {
    expect(clientAddress(request("203.0.113.9", "1.2.3.4"), 0)).toBe("203.0.113.9");
  });

  it("behind trusted proxies, is the entry that many places from the end: the first no trusted proxy wrote", () => {
    expect(clientAddress(request("10.0.0.2", "spoofed, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientAddress(request("10.0.0.2", "spoofed, 198.51.100.7, 10.0.0.3"), 2)).toBe("198.51.100.7");
  });

  it("falls back to the header's first entry, then the peer, when there are fewer entries than proxies", () => {
    expect(clientAddress(request("10.0.0.2", "198.51.100.7"), 2)).toBe("198.51.100.7");
    expect(clientAddress(request("10.0.0.2"), 1)).toBe("10.0.0.2");
  });
});
