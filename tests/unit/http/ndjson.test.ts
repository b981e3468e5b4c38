import { describe, expect, it } from "vitest";
import { PortholeError } from "@/lib/core/errors";
import type { NdjsonLines } from "@/lib/core/ndjson";
import { ndjsonResponse } from "@/lib/http/ndjson";

/** `values` in batches of two, then `failure`. */
async function* items<T>(values: T[], failure?: PortholeError): AsyncGenerator<NdjsonLines> {
  for (let at = 0; at < values.length; at += 2) {
    const batch = values.slice(at, at + 2);
    yield { count: batch.length, bytes: Buffer.from(batch.map((value) => `${JSON.stringify(value)}\n`).join("")) };
  }
  if (failure) throw failure;
}

const lines = async (response: Response) =>
  (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("ndjsonResponse", () => {
  it("sends one line per item, batch after batch, then the done line with the count", async () => {
    const response = await ndjsonResponse(items([{ a: 1 }, { a: 2 }, { a: 3 }]), { "X-Test": "yes" });
    expect(response.headers.get("Content-Type")).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get("X-Test")).toBe("yes");
    expect(await lines(response)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { done: true, entries: 3 }]);
  });

  it("ends a source that fails midway with an error line instead of done: the listing is visibly incomplete", async () => {
    const response = await ndjsonResponse(items([{ a: 1 }], new PortholeError("UPSTREAM_INVALID", "digest mismatch")), {});
    expect(response.status).toBe(200);
    expect(await lines(response)).toEqual([{ a: 1 }, { error: { code: "UPSTREAM_INVALID", message: "digest mismatch" } }]);
  });

  it("throws a failure at the very start, so it still gets its own HTTP status", async () => {
    await expect(ndjsonResponse(items([], new PortholeError("NOT_FOUND", "no such blob")), {})).rejects.toMatchObject({ status: 404 });
  });

  it("answers an empty source with a done line of zero entries", async () => {
    expect(await lines(await ndjsonResponse(items([]), {}))).toEqual([{ done: true, entries: 0 }]);
  });
});
