import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DamagedEntry, DiskCache } from "@/lib/cache/disk-cache";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "porthole-cache-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("DiskCache", () => {
  it("returns what was put, and null for unknown keys", async () => {
    const cache = new DiskCache(dir, 1024);
    await cache.put("layer:sha256:a", "hello");
    const path = await cache.get("layer:sha256:a");
    expect(path && (await readFile(path, "utf8"))).toBe("hello");
    expect(await cache.get("layer:sha256:b")).toBeNull();
  });

  it("evicts the least recently used entries past its size bound", async () => {
    const cache = new DiskCache(dir, 25);
    await cache.put("a", "x".repeat(10));
    await cache.put("b", "y".repeat(10));
    await cache.get("a"); // a is now more recent than b
    await cache.put("c", "z".repeat(10));
    expect(await cache.get("b")).toBeNull();
    expect(await cache.get("a")).not.toBeNull();
    expect(await cache.get("c")).not.toBeNull();
  });

  it("leaves nothing behind when the source stream fails mid-write", async () => {
    const cache = new DiskCache(dir, 1024);
    const failing = new Readable({
      read() {
        this.push("partial");
        this.destroy(new Error("upstream broke"));
      },
    });
    await expect(cache.put("k", failing)).rejects.toThrow("upstream broke");
    expect(await cache.get("k")).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });

  it("finds entries written by an earlier process and discards crash leftovers", async () => {
    await new DiskCache(dir, 1024).put("kept", "data");
    await writeFile(join(dir, ".tmp-deadbeef"), "half written");
    const reopened = new DiskCache(dir, 1024);
    expect(await reopened.get("kept")).not.toBeNull();
    expect((await readdir(dir)).some((name) => name.startsWith(".tmp-"))).toBe(false);
  });
});

describe("DiskCache: a damaged entry is dropped, never served", () => {
  const onlyEntry = async () => join(dir, (await readdir(dir))[0] as string);
  const quietly = () => vi.spyOn(console, "error").mockImplementation(() => {});
  afterEach(() => vi.restoreAllMocks());

  it("drops an entry truncated on disk between two reads, and logs it", async () => {
    const logged = quietly();
    const cache = new DiskCache(dir, 1024);
    await cache.put("index", "line 1\nline 2\n{done}\n");
    expect(await cache.get("index")).not.toBeNull();
    await truncate(await onlyEntry(), 7);
    expect(await cache.get("index")).toBeNull();
    expect(await readdir(dir)).toEqual([]);
    expect(logged.mock.calls.flat().join(" ")).toMatch(/dropped a damaged entry.*"key":"index".*7 bytes on disk, 21 written/);
  });

  it("says whether an entry is here by its size alone; a read still checks its bytes", async () => {
    const logged = quietly();
    const cache = new DiskCache(dir, 1024);
    expect(await cache.has("index")).toBe(false);
    await cache.put("index", "line 1\nline 2\n");
    expect(await cache.has("index")).toBe(true);
    await writeFile(await onlyEntry(), "LINE 1\nline 2\n"); // rotted, same size: `has` cannot tell
    expect(await cache.has("index")).toBe(true);
    expect(await cache.get("index")).toBeNull();
    expect(logged).toHaveBeenCalled();
    await cache.put("short", "line 1\n");
    await truncate(await onlyEntry(), 3);
    expect(await cache.has("short")).toBe(false);
  });

  it("drops an entry whose bytes rotted without changing its size", async () => {
    quietly();
    const cache = new DiskCache(dir, 1024);
    await cache.put("config", '{"a":1}');
    await writeFile(await onlyEntry(), '{"a":2}');
    expect(await cache.get("config")).toBeNull();
  });

  it("drops an entry damaged while the server was down, on its first read after the restart", async () => {
    quietly();
    await new DiskCache(dir, 1024).put("index", "complete\n");
    await writeFile(await onlyEntry(), "compl");
    const restarted = new DiskCache(dir, 1024);
    expect(await restarted.get("index")).toBeNull();
    await restarted.put("index", "complete\n");
    const path = await restarted.get("index");
    expect(path && (await readFile(path, "utf8"))).toBe("complete\n");
  });

  it("removes files of an unknown format at start, since nothing can check them", async () => {
    await writeFile(join(dir, "a".repeat(64)), "an entry from before entries carried their digest");
    await new DiskCache(dir, 1024).get("anything");
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("DiskCache.read: a small entry's bytes, checked as they are read", () => {
  afterEach(() => vi.restoreAllMocks());

  it("returns what was put", async () => {
    const cache = new DiskCache(dir, 1024);
    await cache.put("manifest:sha256:a", '{"schemaVersion":2}');
    expect((await cache.read("manifest:sha256:a"))?.toString()).toBe('{"schemaVersion":2}');
    expect(await cache.read("manifest:sha256:b")).toBeNull();
  });

  it("drops an entry truncated or rotted on disk instead of returning it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const cache = new DiskCache(dir, 1024);
    await cache.put("truncated", "0123456789");
    await cache.put("rotted", "abcdefghij");
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const content = await readFile(path, "utf8");
      if (content.startsWith("0")) await truncate(path, 4);
      else await writeFile(path, "abcdefghiX");
    }
    expect(await cache.read("truncated")).toBeNull();
    expect(await cache.read("rotted")).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("DiskCache.read: entries read once are kept in memory, checked", () => {
  afterEach(() => vi.restoreAllMocks());

  it("serves a second read from memory: damage on disk since cannot reach it", async () => {
    const cache = new DiskCache(dir, 1024);
    await cache.put("config:sha256:a", '{"a":1}');
    expect((await cache.read("config:sha256:a"))?.toString()).toBe('{"a":1}');
    await writeFile(join(dir, (await readdir(dir))[0] as string), '{"a":2}');
    expect((await cache.read("config:sha256:a"))?.toString()).toBe('{"a":1}');
  });

  it("forgets what it kept when the entry is evicted or replaced", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const cache = new DiskCache(dir, 25);
    await cache.put("a", "x".repeat(10));
    expect((await cache.read("a"))?.toString()).toBe("x".repeat(10));
    await cache.put("b", "y".repeat(10));
    await cache.put("c", "z".repeat(10)); // past 25 bytes: a, the least recently used, goes
    expect(await cache.read("a")).toBeNull();
    await cache.put("b", "w".repeat(10));
    expect((await cache.read("b"))?.toString()).toBe("w".repeat(10));
  });

  it("keeps bytes said to be others (from a shared store) only when their length and digest are as said", async () => {
    const cache = new DiskCache(dir, 1024);
    const sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; // of "hello"
    await expect(cache.put("flipped", "hellp", { expect: { size: 5, sha256 } })).rejects.toThrow(DamagedEntry);
    await expect(cache.put("cut", "hell", { expect: { size: 5, sha256 } })).rejects.toThrow(/4 bytes where 5 were written/);
    await expect(cache.put("unsigned", "hello", { expect: { size: 5, sha256: null } })).rejects.toThrow(/carries no digest/);
    await cache.put("whole", "hello", { expect: { size: 5, sha256 } });
    expect(await Promise.all(["flipped", "cut", "unsigned"].map((key) => cache.read(key)))).toEqual([null, null, null]);
    expect((await cache.read("whole"))?.toString()).toBe("hello");
    expect((await readdir(dir)).filter((name) => name.startsWith(".tmp-"))).toEqual([]);
  });

  it("shows a new entry to `publish` once it is in place, before anything is evicted for it", async () => {
    const cache = new DiskCache(dir, 10);
    await cache.put("old", "x".repeat(8));
    const seen: string[] = [];
    await cache.put("new", "y".repeat(8), {
      publish: async ({ path, size, sha256 }) => {
        seen.push(`${await readFile(path, "utf8")} ${size} ${sha256.length}`);
        seen.push(`entries on disk: ${(await readdir(dir)).length}`);
      },
    });
    expect(seen).toEqual(["yyyyyyyy 8 64", "entries on disk: 2"]);
    expect(await cache.read("old")).toBeNull();
  });
});
