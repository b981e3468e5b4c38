/**
 * The packages panel in a real browser: an image whose dpkg status lists two packages (and a stanza
 * whose hostile name dpkg would refuse), its attack surface, what each layer installed, and each
 * package's files, opened from its row.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { imageUrl } from "@/lib/core/urls";
import { APP_URL, OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle, type PushedFixture } from "@/tests/world/fixtures";
import { keepScreenshot, pagePerTest } from "./browser";

const HOSTILE = "<img src=x onerror=alert(1)>";
const stanza = (name: string, version: string, arch = "amd64") =>
  `Package: ${name}\nStatus: install ok installed\nArchitecture: ${arch}\nVersion: ${version}\n\n`;

let page: Page;
const { dialogs } = pagePerTest((opened) => (page = opened));
let image: PushedFixture;

beforeAll(async () => {
  image = await pushSingle(OPEN_REGISTRY, "fixtures/packages-ui", "two", {
    format: "oci",
    layers: [
      {
        entries: [
          { name: "bin/bash", content: "shell", mode: 0o755 },
          { name: "usr/bin/apt", content: "apt", mode: 0o755 },
          { name: "usr/bin/passwd", content: "passwd", mode: 0o4755 },
        ],
      },
      {
        entries: [
          {
            name: "var/lib/dpkg/status",
            content: stanza("alpha", "1.0-1") + stanza("beta", "2:3.1-4", HOSTILE) + stanza(HOSTILE, "6.6.6"),
          },
          { name: "var/lib/dpkg/info/alpha.list", content: "/usr/bin/alpha\n/usr/share/doc/alpha/copyright\n" },
          { name: "usr/bin/alpha", content: "alpha", mode: 0o755 },
        ],
      },
    ],
  });
});

const open = (ref: string, hash = "") =>
  page.goto(`${APP_URL}${imageUrl({ ref, platform: null, view: { kind: "fs", path: "/", upTo: null } })}${hash}`);
const rows = () =>
  page
    .getByRole("table", { name: "Packages" })
    .locator("tbody tr")
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim())));

describe("the packages panel", () => {
  it("lists the packages with their versions and layers, searches them, and says what each layer installed", async () => {
    await open(image.ref);
    await expect.poll(() => page.getByTestId("layer-1").getByTestId("layer-packages").textContent()).toBe("+2 installed");
    expect(await page.getByTestId("layer-0").getByTestId("layer-packages").count()).toBe(0);

    const surface = page.getByTestId("attack-surface");
    await expect.poll(() => surface.textContent()).toContain("runs as root");
    expect(await surface.textContent()).toContain("has a shell (bash)");
    expect(await surface.textContent()).toContain("package manager apt");
    await page.getByRole("button", { name: "1 setuid binary" }).click();
    await expect.poll(() => page.getByRole("list", { name: "1 setuid binary" }).getByRole("link").textContent()).toBe("/usr/bin/passwd");

    await page.getByRole("tab", { name: /Packages/ }).click();
    expect(new URL(page.url()).hash).toBe("#packages");
    // Files come with the second, lazier request: wait for alpha's two.
    await expect.poll(rows).toEqual([
      ["deb", "alpha", "1.0-1", "#1", "2 (1 gone)"],
      ["deb", "beta", "2:3.1-4", "#1", "—"],
    ]);
    await expect.poll(() => page.getByTestId("package-problems").textContent()).toContain(HOSTILE);
    expect(await page.locator("img").count()).toBe(0);

    await page.getByRole("button", { name: "Version" }).click();
    await page.getByRole("button", { name: "Version" }).click();
    await expect.poll(async () => (await rows()).map((row) => row[1])).toEqual(["beta", "alpha"]);

    await keepScreenshot(page, "packages");
    await page.getByLabel("Search packages").fill("alp");
    await expect.poll(async () => (await rows()).map((row) => row[1])).toEqual(["alpha"]);

    await page.getByRole("table", { name: "Packages" }).getByRole("link", { name: "#1" }).click();
    const layer1 = image.images[0]!.layers[1]!.digest;
    await page.waitForURL((url) => url.pathname.includes(`/-/layer/${layer1}`) && url.hash === "#packages");
    await expect.poll(() => page.locator('[role=treeitem][data-path="/var"]').count()).toBe(1);
    expect(await page.getByRole("tab", { name: /Packages/ }).getAttribute("aria-selected")).toBe("true");
    expect(dialogs).toEqual([]);
  });

  it("opens a package's files from its name, each a link to the file, the open package kept in the URL", async () => {
    await open(image.ref, "#packages");
    const table = page.getByRole("table", { name: "Packages" });
    const alpha = table.getByRole("button", { name: "alpha", exact: true });
    await alpha.click();
    expect(new URL(page.url()).hash).toBe("#packages/deb:alpha");
    expect(await alpha.getAttribute("aria-expanded")).toBe("true");
    const files = page.getByRole("list", { name: "Files of deb:alpha" });
    await expect.poll(() => files.getByRole("listitem").allTextContents()).toEqual(["/usr/bin/alpha", "/usr/share/doc/alpha/copyright"]);
    // The copyright is listed by its package but a later layer never had it: shown, not linked.
    expect(await files.getByRole("link").allTextContents()).toEqual(["/usr/bin/alpha"]);
    await keepScreenshot(page, "package-files");

    await files.getByRole("link", { name: "/usr/bin/alpha" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/-/fs/usr/bin/alpha"));
    await expect.poll(() => page.getByRole("region", { name: "File viewer" }).getByTestId("file-owner").textContent()).toBe("deb:alpha 1.0-1");

    // The URL is the state: back again, the same package's files are open; a link opens them too.
    await page.goBack();
    await expect.poll(() => files.getByRole("listitem").count()).toBe(2);
    await open(image.ref, "#packages/deb:beta");
    await expect.poll(() => page.getByTestId("package-files").textContent()).toBe("Its database entry lists no files.");
    await table.getByRole("button", { name: "beta", exact: true }).click();
    expect(new URL(page.url()).hash).toBe("#packages");
    expect(await page.getByTestId("package-files").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("names the package that owns the shown file, and filters the tree to a package's files", async () => {
    const fileUrl = (path: string) => `${APP_URL}${imageUrl({ ref: image.ref, platform: null, view: { kind: "fs", path, upTo: null } })}`;
    await page.goto(fileUrl("/usr/bin/alpha"));
    const owner = page.getByRole("region", { name: "File viewer" }).getByTestId("file-owner");
    await expect.poll(() => owner.textContent()).toBe("deb:alpha 1.0-1");

    await page.goto(fileUrl("/usr/bin/apt"));
    await expect.poll(() => owner.textContent()).toBe("not from a package");

    await page.getByLabel("Filter files").fill("pkg:alpha");
    const paths = () => page.locator("[role=treeitem]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path")));
    // Its copyright is listed but gone from the image: only the program shows, with its directories.
    await expect.poll(paths).toEqual(["/usr", "/usr/bin", "/usr/bin/alpha"]);
    await page.getByLabel("Filter files").fill("pkg:deb:ALPHA");
    await expect.poll(paths).toEqual(["/usr", "/usr/bin", "/usr/bin/alpha"]);
    await page.getByLabel("Filter files").fill("pkg:nothing");
    await expect.poll(() => page.getByTestId("file-tree").textContent()).toContain("No package called nothing lists files.");
    await page.getByLabel("Filter files").fill("pkg:alpha");
    await expect.poll(paths).toEqual(["/usr", "/usr/bin", "/usr/bin/alpha"]);
    await keepScreenshot(page, "file-owner");
    expect(dialogs).toEqual([]);
  });

  it("says so when an image has no package database, and keeps the figures a tab away", async () => {
    const fixtures = inject("fixtures");
    await open(fixtures.multi.ref, "#packages");
    await expect.poll(() => page.getByText("No package database found.").count()).toBe(1);
    expect(await page.getByTestId("attack-surface").textContent()).toContain("runs as 1000");
    await page.getByRole("tab", { name: "Efficiency" }).click();
    await expect.poll(() => page.getByTestId("figure-efficiency").count()).toBe(1);
    expect(await page.getByTestId("layer-packages").count()).toBe(0);
  });
});
