/**
 * The repository page, the supply-chain tab and the treemap in a real browser: tags in natural
 * order and filtered; an image's referrers opened to a readable SBOM and provenance (hostile text
 * shown as text); and the treemap of an image with 30 000 files, timed, and clicked into.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { imageUrl, repoUrl } from "@/lib/core/urls";
import { HOSTILE } from "@/tests/support/supply-documents";
import { APP_URL, OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle, type PushedFixture } from "@/tests/world/fixtures";
import { keepScreenshot, pagePerTest } from "./browser";

const fixtures = inject("fixtures");
let page: Page;
pagePerTest((opened) => (page = opened));
let big: PushedFixture;

const FILES = 30_000;

beforeAll(async () => {
  const entries = Array.from({ length: FILES }, (_, i) => ({ name: `d${i % 30}/e${i % 300}/f${i}`, content: "x".repeat((i * 7919) % 1500) }));
  big = await pushSingle(OPEN_REGISTRY, "fixtures/treemap", "v1", {
    format: "oci",
    layers: [{ entries: [...entries, { name: "big.bin", content: "y".repeat(300_000) }] }, { entries: [{ name: ".wh.big.bin" }] }],
  });
}, 120_000);

const at = (ref: string, path = "/") => `${APP_URL}${imageUrl({ ref, platform: null, view: { kind: "fs", path, upTo: null } })}`;

describe("the repository page", () => {
  it("lists the tags in natural order, filters them (in the URL too), and links each to its image", async () => {
    await page.goto(`${APP_URL}${repoUrl(fixtures.manyTags.repository)}`);
    await expect.poll(() => page.getByTestId("tag-count").textContent()).toBe(`${fixtures.manyTags.tags.length} tags`);
    const tags = () => page.getByRole("list", { name: "Tags" }).getByRole("link").allTextContents();
    expect((await tags()).slice(0, 4)).toEqual(["1", "2", "10", "latest"]);
    await page.getByRole("searchbox", { name: "Filter tags" }).fill("v1.1");
    await expect
      .poll(tags)
      .toEqual([
        "v1.1",
        ...Array.from({ length: 10 }, (_, i) => `v1.1${i}`),
        ...Array.from({ length: 20 }, (_, i) => `v1.1${String(i).padStart(2, "0")}`),
      ]);
    expect(new URL(page.url()).searchParams.get("filter")).toBe("v1.1");
    await keepScreenshot(page, "repository");
    await page.getByRole("link", { name: "v1.10", exact: true }).click();
    await expect.poll(() => page.getByTestId("image-ref").textContent()).toBe(`${fixtures.manyTags.repository}:v1.10`);
  });

  it("is linked from an image's page", async () => {
    await page.goto(at(fixtures.supply.ref));
    await page.getByRole("link", { name: "Tags of fixtures/supply" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Tags" }).getByRole("link").allTextContents()).toContain("v1");
    expect(new URL(page.url()).pathname).toBe(repoUrl(`${OPEN_REGISTRY}/fixtures/supply`));
  });
});

describe("the supply-chain tab", () => {
  it("lists signatures, SBOMs and attestations, and opens one to its packages and provenance", async () => {
    await page.goto(at(fixtures.supply.ref));
    await page.getByRole("tab", { name: "Supply chain" }).click();
    const rows = page.getByRole("table", { name: "Referrers" }).locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(5);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector("td")?.textContent))).toEqual([
      "SPDX SBOM",
      "Notary signature",
      "cosign signature",
      "attestation: CycloneDX SBOM",
      "attestation: SPDX SBOM, SLSA provenance",
    ]);
    await page.getByRole("button", { name: "attestation: SPDX SBOM, SLSA provenance" }).click();
    expect(new URL(page.url()).hash).toBe(`#supply-chain/${fixtures.supply.buildkit}`);
    const sbom = page.getByRole("table", { name: "SBOM packages" });
    await expect.poll(() => sbom.locator("tbody tr td:first-child").allTextContents()).toEqual(["busybox", "musl", HOSTILE]);
    expect(await page.getByTestId("provenance-builder").textContent()).toBe("https://github.com/docker/buildx@v0.12.0");
    expect(await page.getByTestId("provenance-source").textContent()).toContain("https://github.com/example/app.git#main");
    expect(await page.getByRole("list", { name: "Materials" }).textContent()).toContain(HOSTILE);
    expect(await page.locator("main img").count()).toBe(0);
    await keepScreenshot(page, "supply-chain");

    // Reloading the link reopens the same referrer; the cosign attestation unwraps to CycloneDX.
    await page.goto(`${at(fixtures.supply.ref)}#supply-chain/${fixtures.supply.cosignAtt}`);
    await expect
      .poll(() => page.getByRole("table", { name: "SBOM packages" }).locator("tbody td:first-child").allTextContents())
      .toEqual(["openssl", "libssl3"]);
  });
});

describe("the treemap", () => {
  it(`draws ${FILES} files by size and layer with the hidden bytes, quickly, and a click opens the directory`, async () => {
    const started = Date.now();
    await page.goto(`${at(big.ref)}#treemap`);
    const treemap = page.getByRole("img", { name: /treemap/i });
    await treemap.waitFor({ timeout: 60_000 });
    const shownAfter = Date.now() - started;
    const label = await treemap.getAttribute("aria-label");
    expect(label).toMatch(/^Treemap of \/: .* coloured by layer, 300 kB hidden by later layers$/);
    const renderMs = Number(await treemap.getAttribute("data-render-ms"));
    const tiles = Number(await treemap.getAttribute("data-tiles"));
    console.log(`treemap of ${FILES} files: page to treemap ${shownAfter} ms, layout + paint ${renderMs} ms, ${tiles} tiles`);
    expect(tiles).toBeGreaterThan(1000);
    expect(renderMs).toBeLessThan(500);
    await keepScreenshot(page, "treemap");

    const box = (await treemap.boundingBox())!;
    await page.mouse.move(box.x + 30, box.y + 40);
    await expect.poll(() => page.getByTestId("treemap-hover").textContent()).toMatch(/^\/d\d+/);
    await page.mouse.click(box.x + 30, box.y + 40);
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/\/-\/fs\/d\d+(\/e\d+)?$/);
    const opened = `/${decodeURIComponent(new URL(page.url()).pathname.split("/-/fs/")[1]!)}`;
    await expect.poll(() => page.locator(`[role=treeitem][data-path="${opened}"]`).getAttribute("aria-selected")).toBe("true");
    await expect.poll(() => page.getByRole("img", { name: /treemap/i }).getAttribute("aria-label")).toMatch(new RegExp(`^Treemap of ${opened}:`));
    console.log(`treemap of ${opened}: layout + paint ${await page.getByRole("img", { name: /treemap/i }).getAttribute("data-render-ms")} ms`);
  });
});
