import { describe, expect, it } from "vitest";
import { Replay } from "@/lib/cache/replay";

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe("Replay", () => {
  it("gives a late reader every item from the start, then the live ones", async () => {
    const replay = new Replay<number>();
    replay.push(1);
    const early = collect(replay.read());
    replay.push(2);
    const late = collect(replay.read());
    replay.push(3);
    replay.end();
    expect(await early).toEqual([1, 2, 3]);
    expect(await late).toEqual([1, 2, 3]);
  });

  it("ends every reader with the producer's error after the items it had", async () => {
    const replay = new Replay<string>();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const item of replay.read()) seen.push(item);
    })();
    replay.push("a");
    replay.fail(new Error("corrupt layer"));
    await expect(reading).rejects.toThrow("corrupt layer");
    expect(seen).toEqual(["a"]);
    expect(replay.finished).toBe(true);
  });
});
