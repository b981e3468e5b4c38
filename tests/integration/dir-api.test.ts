/**
 * The merged filesystem a directory at a time, and searched on the server: what the explorer of a
 * huge image asks instead of the whole tree. Checked against the whole tree `/api/v1/fs` answers.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { GET as changesGET } from "@/app/api/v1/changes/route";
import { GET as dirGET } from "@/app/api/v1/dir/route";
import { GET as fsGET } from "@/app/api/v1/fs/route";
import { GET as searchGET } from "@/app/api/v1/search/route";
import { GET as summaryGET } from "@/app/api/v1/summary/route";
import type { ChangesResponse, DirectoryResponse, FsResponse, FsSummary, SearchResponse } from "@/lib/core/api-types";
import { overrideSettings } from "@/lib/config";

const { fs: fsFixture } = inject("fixtures");

function call(handler: (request: Request) => Promise<Response>, endpoint: string, params: Record<string, string>): Promise<Response> {
  const url = new URL(`http://porthole.test/api/v1/${endpoint}`);
  for (const [name, value] of Object.entries({ ref: fsFixture.ref, ...params })) url.searchParams.set(name, value);
  return handler(new Request(url));
}

let whole: FsResponse;
beforeAll(async () => {
  overrideSettings({ allowPrivateHosts: "all" });
  whole = (await (await call(fsGET, "fs", {})).json()) as FsResponse;
});

/** What is below `dir` in the whole tree: the sizes a directory's entry must carry. */
const below = (dir: string) =>
  whole.files.filter((file) => file.path.startsWith(`${dir}/`) && file.type === "file").reduce((sum, file) => sum + file.size, 0);

describe("GET /api/v1/dir", () => {
  it("lists one directory's children by name, each directory with the size of everything below it", async () => {
    const response = await call(dirGET, "dir", { path: "/" });
    expect(response.status).toBe(200);
    const root = (await response.json()) as DirectoryResponse;
    const topLevel = whole.files.filter((file) => file.path.lastIndexOf("/") === 0).map((file) => file.path);
    // Implied parents (no layer lists /implied) are directories too.
    expect(root.children.map((child) => child.path)).toEqual([...new Set([...topLevel, "/implied", "/long"])].sort());
    for (const child of root.children.filter((entry) => entry.type === "dir")) expect(child.total, child.path).toBe(below(child.path));
    const odd = root.children.find((child) => child.path === "/odd");
    expect(odd?.children).toBe(whole.files.filter((file) => file.path.startsWith("/odd/")).length);
  });

  it("sorts by size when asked, and refuses what is not a directory", async () => {
    const bySize = (await (await call(dirGET, "dir", { path: "/", sort: "size" })).json()) as DirectoryResponse;
    const totals = bySize.children.map((child) => child.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect((await call(dirGET, "dir", { path: "/docs/readme.txt" })).status).toBe(400);
    expect((await call(dirGET, "dir", { path: "/no/such" })).status).toBe(404);
    expect((await call(dirGET, "dir", { path: "/", sort: "colour" })).status).toBe(400);
    // Of layers 0..0, the directory a later layer removed is still there.
    const first = (await (await call(dirGET, "dir", { path: "/", upto: "0" })).json()) as DirectoryResponse;
    expect(first.children.map((child) => child.path)).toContain("/olddir");
  });
});

describe("GET /api/v1/search", () => {
  it("finds paths by substring or glob, in path order, the first `limit` and how many in all", async () => {
    const glob = (await (await call(searchGET, "search", { q: "*.txt", limit: "2" })).json()) as SearchResponse;
    const txt = whole.files.filter((file) => file.path.endsWith(".txt")).map((file) => file.path);
    expect(glob.total).toBe(txt.length);
    expect(glob.matches.map((match) => match.path)).toEqual(txt.slice(0, 2));
    const substring = (await (await call(searchGET, "search", { q: "README" })).json()) as SearchResponse;
    expect(substring.matches.map((match) => match.path)).toEqual(["/docs/readme.txt"]);
    expect(substring.next).toBeUndefined();
    expect((await call(searchGET, "search", { q: " " })).status).toBe(400);
    expect((await call(searchGET, "search", { q: "x", limit: "0" })).status).toBe(400);
  });
});

describe("paging a search", () => {
  it("walks every match a page at a time: each page starts after the path the last one ended with", async () => {
    const all = whole.files.filter((file) => file.path.includes("o")).map((file) => file.path);
    expect(all.length).toBeGreaterThan(6);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = (await (await call(searchGET, "search", { q: "o", limit: "3", ...(after && { after }) })).json()) as SearchResponse;
      expect(page.total).toBe(all.length);
      seen.push(...page.matches.map((match) => match.path));
      after = page.next;
    } while (after);
    expect(seen).toEqual(all);
  });
});

describe("GET /api/v1/summary", () => {
  it("is the whole tree's figures without its files, with how many paths it has", async () => {
    const response = await call(summaryGET, "summary", {});
    expect(response.status).toBe(200);
    const summary = (await response.json()) as FsSummary;
    expect(summary).toEqual({ ...whole, files: undefined, hidden: undefined, entries: whole.files.length });
    const first = (await (await call(summaryGET, "summary", { upto: "0" })).json()) as FsSummary;
    expect(first.layers).toHaveLength(1);
    expect((await call(summaryGET, "summary", { upto: "99" })).status).toBe(404);
  });
});

describe("GET /api/v1/changes, a page at a time", () => {
  it("pages a layer's changes in path order with how many in all; without a limit, all of them", async () => {
    const all = (await (await call(changesGET, "changes", { layer: "1" })).json()) as ChangesResponse;
    expect(all.total).toBe(all.changes.length);
    expect(all.changes.length).toBeGreaterThan(2);
    const first = (await (await call(changesGET, "changes", { layer: "1", limit: "2" })).json()) as ChangesResponse;
    expect(first).toEqual({ layer: 1, changes: all.changes.slice(0, 2), total: all.total, next: all.changes[1]?.path });
    const rest = (await (await call(changesGET, "changes", { layer: "1", limit: "10000", after: first.next as string })).json()) as ChangesResponse;
    expect(rest.changes).toEqual(all.changes.slice(2));
    expect(rest.next).toBeUndefined();
    expect((await call(changesGET, "changes", { layer: "1", limit: "0" })).status).toBe(400);
  });
});

describe("GET /api/v1/changes?dir=, a directory of a layer's changes at a time", () => {
  const changesOf = async (params: Record<string, string>) =>
    (await (await call(changesGET, "changes", { layer: "1", ...params })).json()) as ChangesResponse;
  const dirOf = async (dir: string) => (await (await call(changesGET, "changes", { layer: "1", dir })).json()) as DirectoryResponse;

  it("lists a directory's changes and the directories on the way to changes below, as the flat list has them", async () => {
    const { changes } = await changesOf({});
    const byPath = new Map(changes.map((change) => [change.path, change]));
    // The oracle: each directory's children are the next names of the changed paths below it.
    const childrenIn = (dir: string) => {
      const prefix = dir === "/" ? "/" : `${dir}/`;
      return [...new Set(changes.filter((c) => c.path.startsWith(prefix)).map((c) => prefix + c.path.slice(prefix.length).split("/")[0]))].sort();
    };
    const sizeBelow = (dir: string) =>
      changes.filter((c) => c.path.startsWith(`${dir}/`) && c.type === "file" && c.change !== "removed").reduce((sum, c) => sum + c.size, 0);
    for (const dir of ["/", "/opq", "/olddir", "/swapfile"]) {
      const listing = await dirOf(dir);
      expect(
        listing.children.map((child) => child.path),
        dir,
      ).toEqual(childrenIn(dir));
      for (const child of listing.children) {
        expect(child.change, child.path).toBe(byPath.get(child.path)?.change);
        expect(child.children, child.path).toBe(childrenIn(child.path).length);
        if (child.type === "dir") expect(child.total, child.path).toBe(sizeBelow(child.path));
      }
    }
    // The fixture's rules, spelled out: an opaque directory's old children are removed, a new one added.
    expect((await dirOf("/opq")).children.map(({ name, change }) => [name, change])).toEqual([
      ["lower1", "removed"],
      ["lower2", "removed"],
      ["upper1", "added"],
    ]);
  });

  it("refuses a path outside the layer's changes (404) or not a directory of them (400)", async () => {
    expect((await call(changesGET, "changes", { layer: "1", dir: "/odd" })).status).toBe(404);
    expect((await call(changesGET, "changes", { layer: "1", dir: "/dup.txt" })).status).toBe(400);
    expect((await call(changesGET, "changes", { layer: "9", dir: "/" })).status).toBe(404);
  });

  it("filters a layer's changes by substring or glob with q, a page at a time", async () => {
    const { changes } = await changesOf({});
    const txt = await changesOf({ q: "*.txt" });
    expect(txt.changes).toEqual(changes.filter((change) => change.path.endsWith(".txt")));
    expect(txt.changes.length).toBeGreaterThan(1);
    const opq = await changesOf({ q: "opq", limit: "2" });
    const underOpq = changes.filter((change) => change.path.includes("opq"));
    expect(underOpq.length).toBeGreaterThan(2);
    expect(opq).toEqual({ layer: 1, changes: underOpq.slice(0, 2), total: underOpq.length, next: underOpq[1]?.path });
    expect((await call(changesGET, "changes", { layer: "1", q: " " })).status).toBe(400);
  });
});
