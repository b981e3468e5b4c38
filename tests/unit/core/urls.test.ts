import { describe, expect, it } from "vitest";
import {
  compareUrl,
  imageUrl,
  lineHash,
  tabHash,
  PACKAGES_HASH,
  parseCompareUrl,
  parseImageUrl,
  parseLineHash,
  parseTabHash,
  pinnedCompare,
  pinnedRef,
  type CompareLocation,
  type Location,
} from "@/lib/core/urls";

/** What the browser sends for the URL we build, parsed as the page parses it. */
function roundTrip(location: Location): Location {
  const url = new URL(imageUrl(location), "http://porthole.test");
  return parseImageUrl(url.pathname, url.searchParams);
}

const digestA = `sha256:${"a".repeat(64)}`;
const digestB = `sha256:${"b".repeat(64)}`;

/** Names that have to survive a trip through a URL: spaces, #, ?, %, unicode, escapes typed literally, `-` segments. */
const names = [
  "/",
  "/etc/passwd",
  "/odd/with space.txt",
  "/odd/hash#.txt",
  "/odd/question?.txt",
  "/odd/percent%.txt",
  "/odd/häßlich ☃.txt",
  "/odd/caf%E9.txt",
  "/odd/%25E9",
  `/long/${"x".repeat(190)}.txt`,
  "/-/vs/-/fs",
];
const refs = ["docker.io/library/alpine:3.19", "127.0.0.1:15000/fixtures/fs:v1", `localhost:5000/app@${digestA}`, "[::1]:5000/a/b:c", "alpine"];

describe("image URLs round-trip every awkward name", () => {
  it.each(names)("merged view: %s", (path) => {
    for (const ref of refs) {
      const location: Location = { ref, platform: "linux/arm64/v8", view: { kind: "fs", path, upTo: null } };
      expect(roundTrip(location)).toEqual(location);
    }
  });

  it.each(names)("layer view: %s", (path) => {
    const location: Location = { ref: refs[1]!, platform: null, view: { kind: "layer", digest: digestB, path } };
    expect(roundTrip(location)).toEqual(location);
  });

  it("keeps 'everything up to layer N' in the query", () => {
    const location: Location = { ref: refs[0]!, platform: null, view: { kind: "fs", path: "/usr", upTo: 3 } };
    expect(imageUrl(location)).toBe("/image/docker.io/library/alpine:3.19/-/fs/usr?upto=3");
    expect(roundTrip(location)).toEqual(location);
  });

  it("keeps a malformed escape typed by hand as it is instead of failing", () => {
    expect(parseImageUrl("/image/a/b:c/-/fs/x%E9", new URLSearchParams()).view).toEqual({ kind: "fs", path: "/x%E9", upTo: null });
  });

  it("writes refs readably: no escaping of ':' or '@'", () => {
    expect(imageUrl({ ref: refs[2]!, platform: null, view: { kind: "fs", path: "/", upTo: null } })).toBe(`/image/${refs[2]}`);
  });

  it("escapes what would end a path segment or start a query or fragment", () => {
    const url = imageUrl({ ref: refs[1]!, platform: null, view: { kind: "fs", path: "/a#b?c%d e", upTo: null } });
    expect(url).toBe("/image/127.0.0.1:15000/fixtures/fs:v1/-/fs/a%23b%3Fc%25d%20e");
  });
});

describe("line selections", () => {
  it("reads and writes #L12 and #L12-L20", () => {
    expect(parseLineHash("#L12")).toEqual({ from: 12, to: 12 });
    expect(parseLineHash("#L20-L12")).toEqual({ from: 12, to: 20 });
    expect(parseLineHash("#nope")).toBeNull();
    expect(lineHash({ from: 2, to: 3 })).toBe("#L2-L3");
    expect(lineHash({ from: 7, to: 7 })).toBe("#L7");
  });
});

describe("the packages tab's fragment", () => {
  it("opens the tab, and a package's files, by name, round-tripping awkward names", () => {
    expect(tabHash(PACKAGES_HASH, null)).toBe("#packages");
    expect(tabHash(PACKAGES_HASH, "deb:libc6")).toBe("#packages/deb:libc6");
    for (const key of ["deb:libc6", "npm:@types/node", "python:a b#c%d?é", "deb:<img src=x>"]) {
      expect(parseTabHash(PACKAGES_HASH, tabHash(PACKAGES_HASH, key))).toEqual({ open: key });
    }
    expect(parseTabHash(PACKAGES_HASH, "#packages")).toEqual({ open: null });
    expect(parseTabHash(PACKAGES_HASH, "#packages/")).toEqual({ open: null });
    expect(parseTabHash(PACKAGES_HASH, "#packages/%E0%A4%A")).toEqual({ open: "%E0%A4%A" });
    expect(parseTabHash(PACKAGES_HASH, "#L12")).toBeNull();
    expect(parseTabHash(PACKAGES_HASH, "#packagesx")).toBeNull();
    expect(parseTabHash(PACKAGES_HASH, "")).toBeNull();
  });
});

describe("pinnedRef", () => {
  it("replaces the tag's moving target by the manifest digest", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    expect(pinnedRef("127.0.0.1:15000/fixtures/fs:v1", digest)).toBe(`127.0.0.1:15000/fixtures/fs:v1@${digest}`);
    expect(pinnedRef(`a/b@sha256:${"d".repeat(64)}`, digest)).toBe(`a/b@${digest}`);
    // A local file name may hold an `@` of its own: only a digest pin at the end is replaced.
    expect(pinnedRef("my@image.tar/app:1", digest)).toBe(`my@image.tar/app:1@${digest}`);
    expect(pinnedRef(`my@image.tar@sha256:${"d".repeat(64)}`, digest)).toBe(`my@image.tar@${digest}`);
  });
});

describe("compare URLs", () => {
  function roundTrip(location: CompareLocation): CompareLocation {
    const url = new URL(compareUrl(location), "http://porthole.test");
    return parseCompareUrl(url.pathname, url.searchParams);
  }

  it.each(names)("round-trips the path %s for every pair of refs", (path) => {
    for (const a of refs) {
      for (const b of refs) {
        const location: CompareLocation = { a, b, platformA: null, platformB: "linux/arm64/v8", path, localA: false, localB: false };
        expect(roundTrip(location)).toEqual(location);
      }
    }
  });

  it("writes both refs as /image/ does, the path after /-/fs/, platforms in the query", () => {
    const location: CompareLocation = {
      a: refs[1]!,
      b: refs[2]!,
      platformA: "linux/amd64",
      platformB: null,
      path: "/a#b?c%d e",
      localA: false,
      localB: false,
    };
    expect(compareUrl(location)).toBe(
      `/compare/127.0.0.1:15000/fixtures/fs:v1/-/vs/localhost:5000/app@${digestA}/-/fs/a%23b%3Fc%25d%20e?platformA=linux%2Famd64`,
    );
    expect(compareUrl({ ...location, path: "/", platformA: null })).toBe(
      `/compare/127.0.0.1:15000/fixtures/fs:v1/-/vs/localhost:5000/app@${digestA}`,
    );
    expect(roundTrip(location)).toEqual(location);
  });

  it("reads a trailing slash and a bare /-/fs/ as the root", () => {
    expect(parseCompareUrl("/compare/a:1/-/vs/b:2/", new URLSearchParams()).path).toBe("/");
    expect(parseCompareUrl("/compare/a:1/-/vs/b:2/-/fs/", new URLSearchParams())).toEqual({
      a: "a:1",
      b: "b:2",
      platformA: null,
      platformB: null,
      path: "/",
      localA: false,
      localB: false,
    });
  });

  it("says in the query which side is an archive opened in this tab", () => {
    const location: CompareLocation = {
      a: "my image.tar/app:v1",
      b: refs[1]!,
      platformA: null,
      platformB: null,
      path: "/",
      localA: true,
      localB: false,
    };
    expect(compareUrl(location)).toBe("/compare/my%20image.tar/app:v1/-/vs/127.0.0.1:15000/fixtures/fs:v1?localA=1");
    expect(roundTrip(location)).toEqual(location);
    expect(roundTrip({ ...location, localB: true })).toEqual({ ...location, localB: true });
  });

  it("leaves b empty when the link has no /-/vs/ (the API then says what is missing)", () => {
    expect(parseCompareUrl("/compare/a/b:1", new URLSearchParams())).toMatchObject({ a: "a/b:1", b: "" });
  });

  it("pins both sides to their digests and drops the platforms", () => {
    const location: CompareLocation = { a: refs[1]!, b: refs[2]!, platformA: "linux/arm64", platformB: "linux/amd64", path: "/etc/passwd" };
    const pinned = pinnedCompare(location, digestA, digestB);
    expect(pinned).toEqual({ a: `${refs[1]}@${digestA}`, b: `localhost:5000/app@${digestB}`, platformA: null, platformB: null, path: "/etc/passwd" });
    expect(compareUrl(pinned)).toBe(`/compare/127.0.0.1:15000/fixtures/fs:v1@${digestA}/-/vs/localhost:5000/app@${digestB}/-/fs/etc/passwd`);
  });
});
