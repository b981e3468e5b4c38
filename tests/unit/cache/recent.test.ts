import { describe, expect, it } from "vitest";
import { Recent } from "@/lib/cache/recent";

describe("Recent", () => {
  it("computes once for everyone who asks, while it runs and after", async () => {
    const recent = new Recent<number>(2);
    let runs = 0;
    const compute = async () => ++runs;
    const [a, b] = await Promise.all([recent.get("x", compute), recent.get("x", compute)]);
    expect([a, b, await recent.get("x", compute), runs]).toEqual([1, 1, 1, 1]);
  });

  it("forgets a failure, so the next ask computes again", async () => {
    const recent = new Recent<string>(2);
    await expect(recent.get("x", async () => Promise.reject(new Error("registry down")))).rejects.toThrow("registry down");
    expect(await recent.get("x", async () => "ok")).toBe("ok");
  });

  it("keeps the most recently asked for, pushing out the oldest", async () => {
    const recent = new Recent<string>(2);
    let runs = 0;
    const compute = (value: string) => async () => (runs++, value);
    await recent.get("a", compute("a"));
    await recent.get("b", compute("b"));
    await recent.get("a", compute("a")); // a is now more recent than b
    await recent.get("c", compute("c")); // pushes out b
    await recent.get("a", compute("a"));
    expect(runs).toBe(3);
    await recent.get("b", compute("b"));
    expect(runs).toBe(4);
  });
});
