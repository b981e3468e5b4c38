/**
 * The file viewer reads big files a part at a time: a text file page by page, a binary in 64 KiB
 * windows anywhere in it (the server reads those parts by Range from the layer's seek index).
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { imageUrl } from "@/lib/core/urls";
import { APP_URL, OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle } from "@/tests/world/fixtures";
import { pagePerTest } from "./browser";

let page: Page;
pagePerTest((opened) => (page = opened));
let ref = "";

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i} of the big file`).join("\n");
/** A binary: NUL bytes, with a marker at 0x30000 that only a jump there shows. */
function binary(): Buffer {
  const bytes = Buffer.alloc(400 * 1024);
  bytes.write("MARKER-AT-0x30000", 0x30000, "latin1");
  return bytes;
}

beforeAll(async () => {
  const pushed = await pushSingle(OPEN_REGISTRY, "e2e/pages", "v1", {
    format: "oci",
    layers: [
      {
        entries: [
          { name: "big.txt", content: `${lines(0, 200_000)}\n` },
          { name: "blob.bin", content: binary() },
        ],
      },
    ],
  });
  ref = pushed.ref;
});

const open = (path: string) => page.goto(`${APP_URL}${imageUrl({ ref, platform: null, view: { kind: "fs", path, upTo: null } })}`);
const viewer = () => page.getByRole("region", { name: "File viewer" });

describe("the file viewer on big files", () => {
  it("shows a big text file's first page, and the next one on demand", async () => {
    await open("/big.txt");
    await expect.poll(() => viewer().innerText()).toContain("line 0 of the big file");
    expect(await viewer().innerText()).not.toContain("line 199999 of the big file");
    await viewer()
      .getByRole("button", { name: /Show the next/ })
      .click();
    await expect.poll(() => viewer().innerText(), { timeout: 15_000 }).toContain("Showing the first 4.2 MB");
  });

  it("jumps to any offset of a binary and shows the bytes there", async () => {
    await open("/blob.bin");
    await expect.poll(() => page.getByTestId("hex-view").innerText()).toContain("00000000  00 00");
    await viewer().getByPlaceholder("0x1f00").fill("0x30000");
    await viewer().getByPlaceholder("0x1f00").press("Enter");
    await expect.poll(() => page.getByTestId("hex-view").innerText()).toContain("00030000  4d 41 52 4b 45 52");
    await viewer()
      .getByRole("button", { name: /previous 64 KiB/ })
      .click();
    await expect.poll(() => page.getByTestId("hex-view").innerText()).toContain("00020000  00 00");
  });
});
