/**
 * A shared link shows what it links to: before any script runs (the server rendered it), and once
 * the page runs, with the linked row of the tree scrolled into view and selected.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { imageUrl } from "@/lib/core/urls";
import { APP_URL, OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle } from "@/tests/world/fixtures";
import { pagePerTest } from "./browser";

const fixtures = inject("fixtures");
let page: Page;
pagePerTest((opened) => (page = opened));

const link = (ref: string, path: string) => `${APP_URL}${imageUrl({ ref, platform: null, view: { kind: "fs", path, upTo: null } })}`;
const viewer = (on: Page) => on.getByRole("region", { name: "File viewer" });

/** The server reads the image once through the API, so the page's first view is ready well within its wait. */
async function warm(ref: string): Promise<void> {
  expect((await fetch(`${APP_URL}/api/v1/fs?ref=${encodeURIComponent(ref)}`)).status).toBe(200);
}

let many = "";
beforeAll(async () => {
  const files = Array.from({ length: 400 }, (_, i) => ({ name: `many/file-${String(i).padStart(3, "0")}.txt`, content: `file number ${i}\n` }));
  many = (await pushSingle(OPEN_REGISTRY, "e2e/many", "v1", { format: "oci", layers: [{ entries: files }] })).ref;
  await Promise.all([warm(many), warm(fixtures.fs.ref)]);
});

describe("a shared link", () => {
  it("shows the linked file's text, the header and the tree with scripts off", async () => {
    const browser = page.context().browser();
    if (!browser) throw new Error("no browser");
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const still = await context.newPage();
      await still.goto(link(fixtures.fs.ref, "/docs/readme.txt"));
      expect(await viewer(still).innerText()).toContain("second line");
      expect(await still.getByRole("heading", { level: 1 }).innerText()).toContain(fixtures.fs.repository);
      expect(await still.locator('[role=treeitem][data-path="/docs/readme.txt"]').getAttribute("aria-selected")).toBe("true");
      // Deep in a long directory, the linked row is in the tree's view without a script to scroll there.
      await still.goto(link(many, "/many/file-350.txt"));
      const [tree, row] = await Promise.all([
        still.getByTestId("file-tree").boundingBox(),
        still.locator('[role=treeitem][data-path="/many/file-350.txt"]').boundingBox(),
      ]);
      expect(tree && row && row.y >= tree.y && row.y + row.height <= tree.y + tree.height, JSON.stringify({ tree, row })).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("opens with the linked row scrolled into view and selected, then loads the rest of the tree", async () => {
    await page.goto(link(many, "/many/file-350.txt"));
    const row = page.locator('[role=treeitem][data-path="/many/file-350.txt"]');
    await expect.poll(() => row.getAttribute("aria-selected")).toBe("true");
    const inView = async () => {
      const [tree, box] = await Promise.all([page.getByTestId("file-tree").boundingBox(), row.boundingBox()]);
      return tree !== null && box !== null && box.y >= tree.y && box.y + box.height <= tree.y + tree.height;
    };
    await expect.poll(inView).toBe(true);
    await expect.poll(() => viewer(page).innerText()).toContain("file number 350");
    await expect.poll(() => page.getByText("loading the rest…").count()).toBe(0);
    await page.locator('[role=treeitem][data-path="/many/file-349.txt"] a').click();
    await expect.poll(() => viewer(page).innerText()).toContain("file number 349");
    expect(await inView()).toBe(true);
  });
});
