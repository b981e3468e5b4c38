import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ImageInfo } from "@/lib/core/api-types";
import { withProgress } from "@/lib/cli/progress";
import type { ImageSource } from "@/lib/service/layer-source";

const source: ImageSource = {
  image: { layers: [{ size: 6 }, { size: 4 }] } as ImageInfo,
  layers: ["abcdef", "ghij"].map((text, i) => ({ digest: `sha256:${i}`, check: {}, open: async () => Readable.from([Buffer.from(text)]) })),
};

const stderr = (isTTY: boolean) => {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
};

async function readAll(stream: Readable): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe("the progress line", () => {
  it("on a terminal, counts what the layers' readers read, redraws in place, and is erased when done", async () => {
    const { written, stream } = stderr(true);
    const shown = withProgress(source, stream);
    expect(await readAll(await (shown.source.layers[0] as ImageSource["layers"][number]).open())).toBe("abcdef");
    expect(await readAll(await (shown.source.layers[1] as ImageSource["layers"][number]).open())).toBe("ghij");
    shown.done();
    expect(written.at(-2)).toBe("\r\x1b[Kreading layers: 2/2 done, 10 B of 10 B");
    expect(written.at(-1)).toBe("\r\x1b[K");
  });

  it("off a terminal, leaves the source as it is and writes nothing", () => {
    const { written, stream } = stderr(false);
    const shown = withProgress(source, stream);
    shown.done();
    expect(shown.source).toBe(source);
    expect(written).toEqual([]);
  });
});
