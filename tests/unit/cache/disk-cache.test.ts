import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiskCache } from "@/lib/cache/disk-cache";

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
