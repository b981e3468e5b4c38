import { describe, expect, it } from "vitest";
import { parseChallenge } from "@/lib/registry/challenge";

describe("parseChallenge", () => {
  it("reads a Docker Hub style Bearer challenge", () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual(
      {
        scheme: "bearer",
        params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/alpine:pull" },
      },
    );
  });

  it("keeps commas and escaped quotes inside quoted values, and accepts tokens and spaces", () => {
    const parsed = parseChallenge('Bearer realm = "http://127.0.0.1/token", scope="repository:a:pull,push", error=insufficient_scope, x="a\\"b"');
    expect(parsed?.params).toEqual({ realm: "http://127.0.0.1/token", scope: "repository:a:pull,push", error: "insufficient_scope", x: 'a"b' });
  });

  it("reads Basic and is case-insensitive about the scheme", () => {
    expect(parseChallenge('basic realm="Registry Realm"')).toEqual({ scheme: "basic", params: { realm: "Registry Realm" } });
  });

  it("returns null for a missing header", () => {
    expect(parseChallenge(null)).toBeNull();
    expect(parseChallenge("")).toBeNull();
  });
});
