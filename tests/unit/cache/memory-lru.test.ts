import { describe, expect, it } from "vitest";
import { MemoryLru } from "@/lib/cache/memory-lru";

const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe("MemoryLru", () => {
  it("keeps values within its byte bound, letting the least recently used go first", () => {
    const kept = new MemoryLru(30, 20);
    kept.set("a", bytes(10));
    kept.set("b", bytes(10));
    kept.get("a"); // a is now more recent than b
    kept.set("c", bytes(15)); // 35 bytes: b goes
    expect([kept.get("a")?.length, kept.get("b"), kept.get("c")?.length]).toEqual([10, undefined, 15]);
  });

  it("does not keep a value over the entry bound, and forgets the old value under that key", () => {
    const kept = new MemoryLru(100, 20);
    kept.set("a", bytes(10));
    kept.set("a", bytes(21));
    expect(kept.get("a")).toBeUndefined();
    kept.set("b", bytes(20, 7));
    kept.set("b", bytes(5, 9));
    expect(kept.get("b")).toEqual(bytes(5, 9));
    // Replacing and deleting keep the count right: 100 bytes fit again.
    kept.delete("b");
    for (const key of ["w", "x", "y", "z", "v"]) kept.set(key, bytes(20));
    expect(["w", "x", "y", "z", "v"].every((key) => kept.get(key)?.length === 20)).toBe(true);
  });
});
