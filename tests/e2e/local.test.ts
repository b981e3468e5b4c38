import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { FsResponse } from "@/lib/core/api-types";
import { imageUrl } from "@/lib/core/urls";
import { dockerArchive, dockerArchiveOf, ociArchive, ociArchiveOf, ociPlatformsArchive } from "@/tests/support/archive-writer";
import { buildImage } from "@/tests/support/image-builder";
import { APP_URL } from "@/tests/world/config";
import { COMPARE_SPECS, DIVE_DATA, SPECS } from "@/tests/world/fixtures";
import { keepScreenshot, pagePerTest } from "./browser";

const fixtures = inject("fixtures");
const DIR = mkdtempSync(join(tmpdir(), "porthole-local-"));
const at = (name: string) => join(DIR, name);

let page: Page;
/** Requests that carried a body, and any request to the API, while local archives were open. */
const sent: string[] = [];
const apiCalls: string[] = [];
pagePerTest((opened) => {
  page = opened;
  sent.length = 0;
  apiCalls.length = 0;
  page.on("request", (request) => {
    if (request.postDataBuffer() !== null || request.method() !== "GET") sent.push(`${request.method()} ${request.url()}`);
    if (new URL(request.url()).pathname.startsWith("/api/")) apiCalls.push(request.url());
  });
});

const viewer = () => page.getByRole("region", { name: "File viewer" });
const text = (testId: string) => page.getByTestId(testId).innerText();

/** Opens an archive from the home page's picker; resolves once its page is shown. */
async function openArchive(path: string, input = "Image archive"): Promise<void> {
  await page.goto(`${APP_URL}/`);
  await page.getByLabel(input).setInputFiles(path);
  await page.waitForURL("**/local/**");
}

/** Nothing left this browser: no request body, no API request. */
function expectNothingSent(): void {
  expect(sent).toEqual([]);
  expect(apiCalls).toEqual([]);
}

/** The layer rows, figures and top of the tree as the page shows them, once every layer was read. */
async function shown(layers: number): Promise<{ layers: string[]; figures: string[]; tree: string }> {
  await expect.poll(() => page.getByTestId("figure-efficiency").count(), { timeout: 30_000 }).toBe(1);
  await expect
    .poll(
      () =>
        page
          .getByRole("status")
          .filter({ hasText: /reading|queued/ })
          .count(),
      { timeout: 30_000 },
    )
    .toBe(0);
  const rows = await Promise.all(Array.from({ length: layers }, (_, i) => text(`layer-${i}`)));
  const figures = await Promise.all(["efficiency", "wasted", "reclaimable", "user-wasted"].map((name) => text(`figure-${name}`)));
  return { layers: rows, figures, tree: await page.getByRole("tree").first().innerText() };
}

/** The same, for the image in the test registry. */
async function shownFromRegistry(ref: string, layers: number) {
  await page.goto(`${APP_URL}${imageUrl({ ref, platform: null, view: { kind: "fs", path: "/", upTo: null } })}`);
  return shown(layers);
}

const apiFs = async (ref: string) => (await fetch(`${APP_URL}/api/v1/fs?ref=${encodeURIComponent(ref)}`)).json() as Promise<FsResponse>;

beforeAll(async () => {
  writeFileSync(at("multi.tar"), await dockerArchive(await buildImage(SPECS.multi), "multi:v1"));
  writeFileSync(at("oci-zstd.tar"), await ociArchive(await buildImage(SPECS.ociZstd), "v1"));
  writeFileSync(at("oci-zstd.tar.gz"), await ociArchive(await buildImage(SPECS.ociZstd), "v1", "gzip"));
  writeFileSync(at("multi.tar.zst"), await dockerArchive(await buildImage(SPECS.multi), "multi:v1", "zstd"));
  writeFileSync(at("not-an-archive.tar"), Buffer.from("these are not the bytes you are looking for\n".repeat(40)));
  const dive = readFileSync(join(DIVE_DATA, "test-docker-image.tar"));
  writeFileSync(at("truncated.tar"), dive.subarray(0, Math.floor(dive.length / 2)));
  const plain = await buildImage(SPECS.plain);
  // A layout whose manifest names a layer blob it lacks, and one whose layer does not match its digest.
  writeFileSync(at("missing-blob.tar"), await ociArchive({ ...plain, layers: [] }, "v1"));
  const flipped = Buffer.from(plain.layers[0]!.bytes);
  flipped[600] = (flipped[600] as number) ^ 1;
  const corrupt = { ...plain, layers: [{ ...plain.layers[0]!, bytes: flipped }] };
  writeFileSync(at("corrupt-layer.tar"), await ociArchive(corrupt, "v1"));
  mkdirSync(at("oci-layout"));
  execFileSync("tar", ["-xf", at("oci-zstd.tar"), "-C", at("oci-layout")]);
  const arch = (architecture: string, variant?: string) =>
    buildImage({
      format: "oci",
      platform: { os: "linux", architecture, ...(variant && { variant }) },
      layers: [{ entries: [{ name: "arch.txt", content: `${architecture}\n` }] }],
    });
  writeFileSync(at("platforms.tar"), await ociPlatformsArchive([await arch("amd64"), await arch("arm64", "v8")]));
  writeFileSync(at("compare-a.tar"), await ociArchive(await buildImage(COMPARE_SPECS.compareA), "a"));
  writeFileSync(at("compare-b.tar"), await ociArchive(await buildImage(COMPARE_SPECS.compareB), "b"));
  const [multi, zstd] = [await buildImage(SPECS.multi), await buildImage(SPECS.ociZstd)];
  writeFileSync(
    at("two-images.tar"),
    await dockerArchiveOf([
      [multi, "multi:v1"],
      [plain, "plain:v1"],
    ]),
  );
  writeFileSync(
    at("two-images-oci.tar"),
    await ociArchiveOf([
      [plain, "plain"],
      [zstd, "zstd"],
    ]),
  );
  // A 10 GB file of zeros, sparse on disk.
  closeSync(openSync(at("zeros.tar"), "w"));
  truncateSync(at("zeros.tar"), 10 * 1024 ** 3);
});

describe("local images, read in the browser", () => {
  it("dive's docker save: the same layers, figures (98.4 %) and tree as the API, and a file's text", async () => {
    const api = await apiFs(fixtures.diveDocker.ref);
    const registry = await shownFromRegistry(fixtures.diveDocker.ref, api.layers.length);
    sent.length = 0;
    apiCalls.length = 0;
    await openArchive(join(DIVE_DATA, "test-docker-image.tar"));
    await expect.poll(() => page.getByText("nothing uploaded").count()).toBeGreaterThan(0);
    const local = await shown(api.layers.length);
    expect(local.figures[0]).toBe("98.4 %");
    // No registry holds a local image's signatures: that tab is not offered (and asks the server nothing).
    await expect.poll(() => page.getByRole("tab", { name: "Treemap" }).count()).toBe(1);
    expect(await page.getByRole("tab", { name: "Supply chain" }).count()).toBe(0);
    expect(local).toEqual(registry);
    await keepScreenshot(page, "local-dive");
    // A file, opened through the app's own links (a page load would leave the archive behind).
    const waster = api.inefficiencies.find((item) => api.files.some((file) => file.path === item.path && file.type === "file"));
    await page.getByRole("region", { name: "Image efficiency" }).getByRole("link", { name: waster?.path }).click();
    const expected = await (
      await fetch(`${APP_URL}/api/v1/file?ref=${encodeURIComponent(fixtures.diveDocker.ref)}&path=${encodeURIComponent(waster?.path ?? "")}`)
    ).text();
    await expect.poll(() => viewer().innerText()).toContain(expected.split("\n")[0]);
    expectNothingSent();
  });

  for (const file of ["test-oci-gzip-image.tar", "test-oci-zstd-image.tar", "test-oci-estargz-image.tar", "test-oci-uncompressed-image.tar"]) {
    it(`dive's OCI layout ${file}: the figures and layers of the API`, async () => {
      const ref = fixtures[`diveOci${file.split("-")[2]!.replace(/^./, (c) => c.toUpperCase())}` as "diveOciGzip"].ref;
      const api = await apiFs(ref);
      const registry = await shownFromRegistry(ref, api.layers.length);
      sent.length = 0;
      apiCalls.length = 0;
      await openArchive(join(DIVE_DATA, file));
      expect(await shown(api.layers.length)).toEqual(registry);
      expectNothingSent();
    });
  }

  it("a docker-archive the tests wrote: its file's text; a shared link says whose machine the image is on", async () => {
    await openArchive(at("multi.tar"));
    await page.locator('[role=treeitem][data-path="/app"] a').click();
    await page.locator('[role=treeitem][data-path="/app/main.txt"] a').click();
    await page.waitForURL("**/local/multi.tar/-/fs/app/main.txt");
    await expect.poll(() => viewer().innerText()).toContain("line 3");
    expectNothingSent();
    await page.reload();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "on someone else's machine" }).count()).toBe(1);
    // Opening the file here follows the link.
    await page.getByLabel("Image archive").setInputFiles(at("multi.tar"));
    await expect.poll(() => viewer().innerText(), { timeout: 30_000 }).toContain("line 3");
  });

  it("an oci-archive with a zstd layer, plain and compressed: the registry image's layers and files", async () => {
    const registry = await shownFromRegistry(fixtures.ociZstd.ref, 2);
    for (const name of ["oci-zstd.tar", "oci-zstd.tar.gz"]) {
      sent.length = 0;
      apiCalls.length = 0;
      await openArchive(at(name));
      expect(await shown(2)).toEqual(registry);
      await page.locator('[role=treeitem][data-path="/zstd.txt"] a').click();
      await expect.poll(() => viewer().innerText()).toContain("compressed with zstd");
      expectNothingSent();
    }
  });

  it("an archive of one image for two platforms: linux/amd64 first, the platform picker switches in the tab", async () => {
    await openArchive(at("platforms.tar"));
    await page.locator('[role=treeitem][data-path="/arch.txt"] a').click();
    await expect.poll(() => viewer().innerText()).toContain("amd64");
    await page.getByLabel("Platform").selectOption("linux/arm64/v8");
    await page.waitForURL("**platform=linux%2Farm64%2Fv8**");
    await page.locator('[role=treeitem][data-path="/arch.txt"] a').click();
    await expect.poll(() => viewer().innerText()).toContain("arm64");
    expectNothingSent();
  });

  it("an OCI layout folder", async () => {
    await openArchive(at("oci-layout"), "OCI layout folder");
    await page.locator('[role=treeitem][data-path="/gzip.txt"] a').click();
    await expect.poll(() => viewer().innerText()).toContain("compressed with gzip");
    expectNothingSent();
  });

  it("an OCI layout folder dropped on the home page (its entries faked: playwright cannot drop a folder)", async () => {
    const root = at("oci-layout");
    const files = execFileSync("find", [".", "-type", "f"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((path) => ({ path: path.slice(2), base64: readFileSync(join(root, path)).toString("base64") }));
    await page.goto(`${APP_URL}/`);
    // A drop whose only item is a folder entry, read as Chromium reads one: entries in batches, then none.
    await page.getByRole("region", { name: "Open a local image" }).evaluate((zone, files) => {
      type Node = { name: string; isFile: boolean; isDirectory: boolean; [more: string]: unknown };
      const directory = (name: string, prefix: string): Node => {
        const names = [...new Set(files.filter((f) => f.path.startsWith(prefix)).map((f) => f.path.slice(prefix.length).split("/")[0] as string))];
        const entries = names.map((child) => {
          const file = files.find((f) => f.path === prefix + child);
          if (!file) return directory(child, `${prefix}${child}/`);
          const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
          return { name: child, isFile: true, isDirectory: false, file: (done: (file: File) => void) => done(new File([bytes], child)) };
        });
        const createReader = () => {
          let done = false;
          return { readEntries: (give: (batch: Node[]) => void) => give(done ? [] : ((done = true), entries)) };
        };
        return { name, isFile: false, isDirectory: true, createReader };
      };
      const drop = new Event("drop", { bubbles: true, cancelable: true });
      Object.defineProperty(drop, "dataTransfer", { value: { items: [{ webkitGetAsEntry: () => directory("dropped-layout", "") }], files: [] } });
      zone.dispatchEvent(drop);
    }, files);
    await page.waitForURL("**/local/dropped-layout");
    await page.locator('[role=treeitem][data-path="/gzip.txt"] a').click();
    await expect.poll(() => viewer().innerText()).toContain("compressed with gzip");
    expectNothingSent();
  });

  it("a layer missing from the archive, and one that does not match its digest, are flagged", async () => {
    await openArchive(at("missing-blob.tar"));
    await expect.poll(() => page.getByTestId("layer-0").innerText(), { timeout: 20_000 }).toContain("error: the archive has no blobs/sha256/");
    await openArchive(at("corrupt-layer.tar"));
    await expect.poll(() => page.getByTestId("layer-0").innerText(), { timeout: 20_000 }).toContain("error: layer digest mismatch");
    expectNothingSent();
  });

  it("an archive of two images (docker save, OCI layout): a choice of them, the choice in the URL", async () => {
    for (const [file, names, pick, path] of [
      ["two-images.tar", ["multi:v1", "plain:v1"], "plain:v1", "/plain.txt"],
      ["two-images-oci.tar", ["plain", "zstd"], "zstd", "/zstd.txt"],
    ] as const) {
      await openArchive(at(file));
      const images = page.getByRole("list", { name: "Images in the archive" });
      await expect.poll(() => images.getByRole("link").allInnerTexts(), { timeout: 20_000 }).toEqual(names);
      await images.getByRole("link", { name: pick }).click();
      await page.waitForURL(`**/local/${file}/${pick}`);
      await expect.poll(() => page.locator(`[role=treeitem][data-path="${path}"]`).count(), { timeout: 20_000 }).toBe(1);
    }
    expectNothingSent();
  });

  it("a docker-archive compressed with zstd", async () => {
    await openArchive(at("multi.tar.zst"));
    await expect.poll(() => page.locator("[data-testid^=layer-]").count(), { timeout: 30_000 }).toBe(3);
    expectNothingSent();
  });

  it("bad files: a clear message, and the page stays usable", async () => {
    for (const [name, message] of [
      ["not-an-archive.tar", "is not a tar archive"],
      ["truncated.tar", "truncated"],
      ["zeros.tar", "is not a container image archive"],
    ] as const) {
      await page.goto(`${APP_URL}/`);
      await page.getByLabel("Image archive").setInputFiles(at(name));
      await expect.poll(() => page.getByRole("alert").filter({ hasText: message }).count(), { timeout: 30_000 }).toBe(1);
      await page.getByLabel("Image reference").fill("alpine:3.19");
      expect(new URL(page.url()).pathname).toBe("/");
    }
    expectNothingSent();
  });
});

describe("comparing local images, in the browser", () => {
  const summary = () => page.getByTestId("compare-summary").innerText();
  /** The same figures as the registry pair's comparison (tests/e2e/compare.test.ts), and /etc/motd's changed lines. */
  async function expectComparePair(): Promise<void> {
    await expect.poll(summary, { timeout: 30_000 }).toContain("3 added (+24 B)");
    expect(await summary()).toMatch(/6 removed \(\u221220 B\).*7 modified.*13 unchanged.*1 shared base layer/s);
    // Both sides' packages came, each from its own source; a local side links to its page in this tab.
    await expect.poll(() => page.getByTestId("package-diff-summary").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId("ref-a").getAttribute("href")).toMatch(/^\/local\/compare-a\.tar@sha256:[0-9a-f]{64}$/);
    await page.locator('[role=treeitem][data-path="/etc"]').getByRole("button").click();
    await page.locator('[role=treeitem][data-path="/etc/motd"] a').click();
    const rows = () =>
      page
        .getByTestId("text-diff")
        .locator("tr[data-kind]")
        .evaluateAll((all) => all.map((r) => r.lastElementChild?.textContent));
    await expect.poll(rows, { timeout: 15_000 }).toEqual(["hello", "HELLO"]);
  }
  /** Opens another archive in this same tab (through the app's links: a page load would lose the first). */
  async function openAnother(path: string): Promise<void> {
    await page.getByRole("link", { name: "Porthole" }).first().click();
    await page.waitForURL(`${APP_URL}/`);
    await page.getByLabel("Image archive").setInputFiles(path);
    await page.waitForURL(`**/local/${path.split("/").pop()}`);
  }

  it("a local image against a registry image: computed in this tab, only the registry side asked of the server", async () => {
    await openArchive(at("compare-a.tar"));
    await page.getByRole("button", { name: "Compare with…" }).click();
    await page.getByLabel("Compare with", { exact: true }).fill(fixtures.compareB.ref);
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    await page.waitForURL("**/compare/**");
    expect(new URL(page.url()).searchParams.get("localA")).toBe("1");
    await expectComparePair();
    await keepScreenshot(page, "compare-local-registry");
    expect(sent).toEqual([]);
    expect(apiCalls.length).toBeGreaterThan(0);
    expect(apiCalls.filter((url) => url.includes("compare-a") || url.includes("/api/v1/diff"))).toEqual([]);
  });

  it("an archive of several images as a side: the choice of its images, the choice in the URL", async () => {
    await openArchive(at("two-images.tar"));
    await openAnother(at("compare-a.tar")); // from the choice of its images: the way home is there too
    await page.getByRole("button", { name: "Compare with…" }).click();
    await page.getByRole("button", { name: "two-images.tar" }).click();
    await page.waitForURL("**/compare/**");
    const images = page.getByRole("list", { name: "Images in the archive" });
    await expect.poll(() => images.getByRole("link").allInnerTexts(), { timeout: 20_000 }).toEqual(["multi:v1", "plain:v1"]);
    await images.getByRole("link", { name: "plain:v1" }).click();
    await page.waitForURL("**/vs/two-images.tar/plain:v1?**");
    await expect.poll(summary, { timeout: 30_000 }).toMatch(/\d+ added .*\d+ removed/s);
    expectNothingSent();
  });

  it("two local files: nothing asked of the server", async () => {
    await openArchive(at("compare-b.tar"));
    await openAnother(at("compare-a.tar"));
    await page.getByRole("button", { name: "Compare with…" }).click();
    await page.getByRole("button", { name: "compare-b.tar" }).click();
    await page.waitForURL("**/compare/**");
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ localA: "1", localB: "1" });
    await expectComparePair();
    expectNothingSent();
    // A shared link finds neither file, and says so.
    await page.reload();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "on someone else's machine" }).count()).toBe(1);
  });
});
