/**
 * An image too big to fetch whole (here: any image, with PORTHOLE_WHOLE_TREE_MAX_ENTRIES=0) is
 * explored a directory at a time, its files and each layer's changes: the page never asks for the
 * whole tree or a whole layer's changes, loads the directories it opens, and filters on the server.
 */
import type { Page, Request as PageRequest } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { imageUrl, type View } from "@/lib/core/urls";
import { startApp, type RunningApp } from "@/tests/world/app";
import { pagePerTest } from "./browser";

const fixtures = inject("fixtures");
const ref = fixtures.fs.ref;
const fsLayers = fixtures.fs.images[0]!.layers;

let app: RunningApp;
let page: Page;
pagePerTest((opened) => (page = opened));

/** The API requests the page made, as `endpoint?query`. */
let asked: string[] = [];
beforeEach(() => {
  asked = [];
  page.on("request", (request: PageRequest) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/v1/")) asked.push(`${url.pathname.slice("/api/v1/".length)}${url.search}`);
  });
});
const endpoints = () => asked.map((request) => request.slice(0, request.indexOf("?")));

beforeAll(async () => {
  app = await startApp("http://127.0.0.1:3181", { PORTHOLE_WHOLE_TREE_MAX_ENTRIES: "0" });
  // Read once, as a shared link's image usually is: the page then has no layers to stream for their progress.
  expect((await fetch(`${app.url}/api/v1/summary?ref=${encodeURIComponent(ref)}`)).status).toBe(200);
}, 60_000);
afterAll(() => app?.stop());

const url = (view: View) => `${app.url}${imageUrl({ ref, platform: null, view })}`;
const row = (path: string) => page.locator(`[role=treeitem][data-path="${path}"]`);
const viewer = () => page.getByRole("region", { name: "File viewer" });

describe("a big image's explorer", () => {
  it("opens a deep link with the directories down to it, loads a directory when it opens, never the whole tree", async () => {
    await page.goto(url({ kind: "fs", path: "/implied/parent/file.txt", upTo: null }));
    await expect.poll(() => row("/implied/parent/file.txt").getAttribute("aria-selected")).toBe("true");
    await expect.poll(() => viewer().innerText()).toContain("implied parents");
    await expect.poll(() => page.getByText("big image: directories load as they open").count()).toBe(1);
    // The figures come without the files.
    await expect.poll(() => page.getByText(/efficiency \d/).count()).toBe(1);

    // The directories down to the link came in the page: none is asked for again once the image is known to be big.
    expect(
      asked.filter((request) => request.startsWith("dir?")),
      asked.join("\n"),
    ).toEqual([]);
    // A closed directory's children are not there until it opens.
    expect(await row("/docs/readme.txt").count()).toBe(0);
    await row("/docs").locator("a").click();
    await expect.poll(() => row("/docs/readme.txt").count()).toBe(1);
    expect(
      asked.filter((request) => request.startsWith("dir?") && request.endsWith("&path=%2Fdocs")),
      asked.join("\n"),
    ).toHaveLength(1);
    await row("/docs/readme.txt").locator("a").click();
    await expect.poll(() => viewer().innerText()).toContain("second line");

    expect(endpoints()).not.toContain("fs");
    expect(endpoints()).not.toContain("layer");
  });

  it("filters on the server: a glob finds files in directories never opened", async () => {
    await page.goto(url({ kind: "fs", path: "/", upTo: null }));
    await expect.poll(() => row("/odd").count()).toBe(1);
    expect(await row("/odd/with space.txt").count()).toBe(0);
    await page.getByLabel("Filter files").fill("*.txt");
    await expect.poll(() => row("/odd/with space.txt").count()).toBe(1);
    await expect.poll(() => row("/text/lines.txt").count()).toBe(1);
    expect(asked.some((request) => request.startsWith("search?") && request.includes("q=*.txt"))).toBe(true);
    // A file that is no match is not shown, though its directory is open.
    expect(await row("/odd/latin1").count()).toBe(0);
    await page.getByLabel("Filter files").fill("");
    await expect.poll(() => row("/odd/with space.txt").count()).toBe(0);
    expect(endpoints()).not.toContain("fs");
  });

  it("shows a layer's changes a directory at a time, and filters them on the server", async () => {
    const digest = fsLayers[2]!.digest;
    await page.goto(url({ kind: "layer", digest, path: "/" }));
    await expect.poll(() => row("/odd").count()).toBe(1);
    expect(await row("/odd/with space.txt").count()).toBe(0);
    await row("/odd").locator("a").click();
    await expect.poll(() => row("/odd/with space.txt").count()).toBe(1);
    expect(asked.filter((request) => request.startsWith("changes?") && request.includes("dir=%2Fodd"))).toHaveLength(1);

    await page.getByLabel("Filter files").fill("*.html");
    await expect.poll(() => row("/web/index.html").count()).toBe(1);
    expect(await row("/odd/with space.txt").count()).toBe(0);
    expect(asked.some((request) => request.startsWith("changes?") && request.includes("q=*.html"))).toBe(true);
    // Never the layer's whole list of changes: a directory, or a search's first matches.
    for (const request of asked.filter((r) => r.startsWith("changes?"))) expect(request).toMatch(/[?&](dir|q)=/);
    expect(endpoints()).not.toContain("fs");
  });

  it("opens a deep link into a layer's changes with the way down to it, and the file as that layer has it", async () => {
    const digest = fsLayers[2]!.digest;
    await page.goto(url({ kind: "layer", digest, path: "/odd/hash#.txt" }));
    await expect.poll(() => row("/odd/hash#.txt").getAttribute("aria-selected")).toBe("true");
    await expect.poll(() => viewer().innerText()).toContain("hash");
    expect(await row("/web").count()).toBe(1);
    expect(await row("/web/index.html").count()).toBe(0);
    expect(endpoints()).not.toContain("fs");
  });
});
