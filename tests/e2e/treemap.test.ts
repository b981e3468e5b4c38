/**
 * The treemap in a real browser, beyond what tests/e2e/supply-chain.test.ts draws: every hidden
 * byte of dive's test image (dive's 32 025 wasted bytes), colouring by package on a Debian-style
 * image (the pixels match the legend), and going in and out of directories from the keyboard.
 */
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { FsResponse } from "@/lib/core/api-types";
import { imageUrl } from "@/lib/core/urls";
import { APP_URL, OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle, type PushedFixture } from "@/tests/world/fixtures";
import { keepScreenshot, pagePerTest } from "./browser";

const fixtures = inject("fixtures");
let page: Page;
pagePerTest((opened) => (page = opened));
let debian: PushedFixture;

const stanza = (name: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n`;

beforeAll(async () => {
  debian = await pushSingle(OPEN_REGISTRY, "fixtures/treemap-packages", "v1", {
    format: "oci",
    layers: [
      {
        entries: [
          { name: "var/lib/dpkg/status", content: stanza("libbig") + stanza("tool") },
          { name: "var/lib/dpkg/info/libbig.list", content: "/usr/lib/libbig.so\n/usr/share/doc/libbig/copyright\n" },
          { name: "var/lib/dpkg/info/tool.list", content: "/usr/bin/tool\n" },
          { name: "usr/lib/libbig.so", content: "b".repeat(200_000) },
          { name: "usr/share/doc/libbig/copyright", content: "c".repeat(3_000) },
          { name: "usr/bin/tool", content: "t".repeat(40_000) },
          { name: "opt/data", content: "d".repeat(100_000) },
        ],
      },
    ],
  });
});

const at = (ref: string, path = "/", hash = "") => `${APP_URL}${imageUrl({ ref, platform: null, view: { kind: "fs", path, upTo: null } })}${hash}`;
const treemap = () => page.getByRole("img", { name: /treemap/i });
const focusText = () => page.getByTestId("treemap-focus").textContent();
const focusedLabel = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? "");
const pathname = () => decodeURIComponent(new URL(page.url()).pathname);

/** The colour the canvas shows at a point of the element `ring` marks (its lower right, clear of the label). */
async function colourUnder(ring: Locator): Promise<number[]> {
  const box = (await ring.boundingBox())!;
  const canvas = (await treemap().boundingBox())!;
  return treemap().evaluate(
    (element, [x, y]) => {
      const ratio = window.devicePixelRatio || 1;
      const ctx = (element as HTMLCanvasElement).getContext("2d")!;
      return [...ctx.getImageData(Math.round(x! * ratio), Math.round(y! * ratio), 1, 1).data].slice(0, 3);
    },
    [box.x - canvas.x + box.width * 0.8, box.y - canvas.y + box.height * 0.8],
  );
}

const rgb = (css: string) => (css.match(/\d+/g) ?? []).slice(0, 3).map(Number);

describe("the treemap", () => {
  it("hatches every byte later layers hid: on dive's test image, the 32 025 bytes dive calls wasted", async () => {
    const fs = (await (await fetch(`${APP_URL}/api/v1/fs?ref=${encodeURIComponent(fixtures.diveDocker.ref)}`)).json()) as FsResponse;
    expect(fs.wastedBytes).toBe(32025);
    expect(fs.hidden.reduce((sum, item) => sum + item.size, 0)).toBe(32025);
    await page.goto(at(fixtures.diveDocker.ref, "/", "#treemap"));
    await expect.poll(() => treemap().getAttribute("aria-label"), { timeout: 60_000 }).toMatch(/coloured by layer, 32 kB hidden by later layers$/);
    expect(await page.getByRole("list", { name: "Treemap colours" }).textContent()).toContain("hidden by a later layer: 32 kB");
    // dive's image has no package database: nothing to colour by package.
    expect(await page.getByRole("radio", { name: "by package" }).count()).toBe(0);
    await page.goto(at(fixtures.diveDocker.ref, "/root"));
    await expect.poll(() => treemap().getAttribute("aria-label")).toMatch(/^Treemap of \/root: .*, 32 kB hidden by later layers$/);
  });

  it("colours by package when asked (in the URL), the legend naming the biggest, files of no package grey", async () => {
    await page.goto(at(debian.ref, "/", "#treemap"));
    await treemap().waitFor({ timeout: 60_000 });
    await page.getByRole("radio", { name: "by package" }).check();
    expect(new URL(page.url()).hash).toBe("#treemap/package");
    await expect.poll(() => treemap().getAttribute("aria-label")).toMatch(/^Treemap of \/: .* coloured by package$/);
    const legend = page.getByRole("list", { name: "Treemap colours" }).getByRole("listitem");
    await expect
      .poll(() => legend.allTextContents())
      .toEqual(["deb:libbig 1.0-1203 kB", "deb:tool 1.0-140 kB", "not from a package100 kB", "hidden by a later layer"]);
    await keepScreenshot(page, "treemap-packages");

    // In /usr/lib the biggest box is libbig.so: painted in the legend's first colour, and named so.
    await page.goto(at(debian.ref, "/usr/lib", "#treemap/package"));
    await expect.poll(() => treemap().getAttribute("aria-label")).toMatch(/^Treemap of \/usr\/lib: .* coloured by package$/);
    await treemap().focus();
    await expect.poll(focusText).toBe("Focused: /usr/lib/libbig.so · 200 kB · deb:libbig 1.0-1");
    const swatch = await legend
      .first()
      .getByTestId("legend-swatch")
      .evaluate((element) => getComputedStyle(element).backgroundColor);
    const painted = await colourUnder(page.getByTestId("treemap-focus-ring"));
    rgb(swatch).forEach((channel, i) => expect(Math.abs(channel - painted[i]!)).toBeLessThanOrEqual(2));
    // A file of no package is grey, whatever its layer.
    await page.goto(at(debian.ref, "/opt", "#treemap/package"));
    await treemap().focus();
    await expect.poll(focusText).toBe("Focused: /opt/data · 100 kB · not from a package");
    expect(await colourUnder(page.getByTestId("treemap-focus-ring"))).toEqual(rgb("rgb(120, 113, 108)"));
  });

  it("is reached with Tab and walked with the arrows, Enter, Escape and Backspace, the directory in the URL", async () => {
    // Opened from its tab (the next test loads the page with its fragment).
    await page.goto(at(debian.ref));
    await page.getByRole("tab", { name: "Treemap" }).click();
    await treemap().waitFor({ timeout: 60_000 });
    // The treemap comes next in the tab order after the colouring choice.
    await page.getByRole("radio", { name: "by layer" }).focus();
    await page.keyboard.press("Tab");
    expect(await treemap().evaluate((element) => element === document.activeElement)).toBe(true);
    await expect.poll(focusText).toMatch(/^Focused: \/usr · 24\d kB · directory$/);
    const usr = await page.getByTestId("treemap-focus-ring").boundingBox();
    // /usr fills the left; the arrows reach /opt and come back.
    await page.keyboard.press("ArrowRight");
    await expect.poll(focusText).toMatch(/^Focused: \/opt · /);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(focusText).toMatch(/^Focused: \/usr · /);
    expect(await page.getByTestId("treemap-focus-ring").boundingBox()).toEqual(usr);

    await page.keyboard.press("Enter");
    await expect.poll(pathname).toMatch(/\/-\/fs\/usr$/);
    await expect.poll(() => treemap().getAttribute("aria-label")).toMatch(/^Treemap of \/usr:/);
    await expect.poll(focusText).toMatch(/^Focused: \/usr\/lib · /);
    expect(await treemap().evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(pathname).toMatch(/\/-\/fs\/usr\/lib$/);
    await expect.poll(focusText).toMatch(/^Focused: \/usr\/lib\/libbig.so · /);
    await keepScreenshot(page, "treemap-keyboard");

    // Up again: the focus is on the directory just left.
    await page.keyboard.press("Escape");
    await expect.poll(pathname).toMatch(/\/-\/fs\/usr$/);
    await expect.poll(focusText).toMatch(/^Focused: \/usr\/lib · /);
    await page.keyboard.press("Backspace");
    await expect.poll(pathname).not.toContain("/-/fs");
    expect(new URL(page.url()).hash).toBe("#treemap");
    await expect.poll(() => treemap().getAttribute("aria-label")).toMatch(/^Treemap of \/:/);
    await expect.poll(focusText).toMatch(/^Focused: \/usr · /);
  });

  it("keeps one fragment when a page first loaded with it is reached again in the app", async () => {
    // Next 16.4.6 keeps the first document's fragment in its route cache and appends the new one to
    // it when a navigation returns to that page; the explorer reads and writes back the last one.
    await page.goto(at(debian.ref, "/", "#treemap"));
    await treemap().waitFor({ timeout: 60_000 });
    await treemap().focus();
    await page.keyboard.press("Enter");
    await expect.poll(pathname).toMatch(/\/-\/fs\/usr$/);
    // A key goes where the focus is: to /usr's treemap once it has taken it.
    await expect.poll(focusedLabel).toMatch(/^Treemap of \/usr:/);
    await page.keyboard.press("Backspace");
    await expect.poll(pathname).not.toContain("/-/fs");
    await expect.poll(() => new URL(page.url()).hash).toBe("#treemap");
    await expect.poll(() => treemap().getAttribute("aria-label")).toMatch(/^Treemap of \/:/);
  });
});
