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
    const early = collect(replay.reader() as AsyncGenerator<number>);
    replay.push(2);
    const late = collect(replay.reader() as AsyncGenerator<number>);
    replay.push(3);
    replay.end();
    expect(await early).toEqual([1, 2, 3]);
    expect(await late).toEqual([1, 2, 3]);
  });

  it("ends every reader with the producer's error after the items it had", async () => {
    const replay = new Replay<string>();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const item of replay.reader() as AsyncGenerator<string>) seen.push(item);
    })();
    replay.push("a");
    replay.fail(new Error("corrupt layer"));
    await expect(reading).rejects.toThrow("corrupt layer");
    expect(seen).toEqual(["a"]);
    expect(replay.finished).toBe(true);
    await expect(replay.done()).rejects.toThrow("corrupt layer");
  });

  it("past its budget lets go of what every reader has passed, and turns later readers away", async () => {
    const replay = new Replay<string>((item) => item.length, 4);
    const reader = replay.reader() as AsyncGenerator<string>;
    replay.push("ab");
    replay.push("cd");
    const late = replay.reader();
    expect(late, "within budget, a late reader still gets everything").not.toBeNull();
    await late?.return(undefined);
    expect((await reader.next()).value).toBe("ab");
    replay.push("ef");
    expect(replay.reader(), "over budget, with the first item passed by every reader").toBeNull();
    replay.end();
    const rest: string[] = [];
    for await (const item of reader) rest.push(item);
    expect(rest).toEqual(["cd", "ef"]);
    await replay.settled();
  });

  it("keeps what a reader has not read yet, whatever the budget", async () => {
    const replay = new Replay<string>((item) => item.length, 1);
    const slow = replay.reader() as AsyncGenerator<string>;
    for (const item of ["a", "b", "c"]) replay.push(item);
    replay.end();
    const all: string[] = [];
    for await (const item of slow) all.push(item);
    expect(all).toEqual(["a", "b", "c"]);
    expect(replay.reader()).toBeNull();
  });

  it("holds its producer back while a reader is a budget behind, and lets go of a reader that stops reading", async () => {
    const replay = new Replay<string>((item) => item.length, 2, 500);
    const fast = replay.reader() as AsyncGenerator<string>;
    const stopped = replay.reader() as AsyncGenerator<string>;
    for (const item of ["ab", "cd", "ef"]) replay.push(item);
    let roomMade = false;
    const room = replay.room().then(() => (roomMade = true));
    for (const item of ["ab", "cd", "ef"]) expect((await fast.next()).value).toBe(item);
    expect((await stopped.next()).value).toBe("ab");
    expect(roomMade, "the stopped reader is still more than a budget behind").toBe(false);
    await room; // after 500 ms without a read, the stopped reader is let go
    replay.push("gh");
    replay.end();
    expect((await fast.next()).value).toBe("gh");
    await expect(stopped.next()).rejects.toMatchObject({ code: "UPSTREAM_TIMEOUT" });
  });
});
