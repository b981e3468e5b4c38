import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { compareUrl, imageUrl, type CompareLocation } from "@/lib/core/urls";
import { APP_URL, OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle, type PushedFixture } from "@/tests/world/fixtures";
import { keepScreenshot, pagePerTest } from "./browser";

const fixtures = inject("fixtures");
const { compareA, compareB } = fixtures;

let page: Page;
pagePerTest((opened) => (page = opened));

const pair = (path = "/", a = compareA.ref, b = compareB.ref): CompareLocation => ({ a, b, platformA: null, platformB: null, path });
const open = (location: CompareLocation) => page.goto(`${APP_URL}${compareUrl(location)}`);
const row = (path: string) => page.locator(`[role=treeitem][data-path="${path}"]`);
const rowPaths = () => page.locator("[role=treeitem]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path")));
const diffRows = () =>
  page
    .getByTestId("text-diff")
    .locator("tr[data-kind]")
    .evaluateAll((rows) =>
      rows.map((r) => [
        r.getAttribute("data-kind"),
        r.getAttribute("data-old-line"),
        r.getAttribute("data-new-line"),
        r.lastElementChild?.textContent,
      ]),
    );

describe("comparing two images in a real browser", () => {
  it("shows both images, the summary, the config differences and directories rolled up", async () => {
    await open(pair());
    const summary = page.getByTestId("compare-summary");
    await expect.poll(() => summary.innerText(), { timeout: 15_000 }).toContain("3 added (+24 B)");
    expect(await summary.innerText()).toMatch(/6 removed \(\u221220 B\).*7 modified.*13 unchanged.*1 shared base layer/s);
    expect(await page.getByTestId("digest-a").getAttribute("title")).toBe(compareA.digest);
    expect(await page.getByTestId("digest-b").getAttribute("title")).toBe(compareB.digest);
    expect(await page.getByTestId("ref-a").getAttribute("href")).toBe(
      imageUrl({ ref: `${compareA.ref}@${compareA.digest}`, platform: null, view: { kind: "fs", path: "/", upTo: null } }),
    );

    const config = page.getByRole("region", { name: "Config differences" });
    const fields = await config.locator("tbody tr").evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c as HTMLElement).innerText)));
    expect(fields).toEqual([
      ["User", "root", "65532"],
      ["Entrypoint", "not set", '["/app"]'],
      ["Env.A", "1", "2"],
      ["Env.B", "not set", "3"],
      ["Labels.note", "not set", "<img src=x onerror=alert(1)>"],
    ]);

    // Collapsed to the top level; a directory says what changed below it.
    expect(await rowPaths()).toEqual(["/bin", "/docs", "/etc", "/home", "/lib", "/only-a.txt", "/only-b.txt", "/srv", "/usr"]);
    await row("/usr").getByRole("button").click();
    await row("/usr/share").getByRole("button").click();
    const doc = row("/usr/share/doc");
    await expect.poll(() => doc.getAttribute("data-change")).toBe("removed");
    const rollup = doc.getByTestId("rollup");
    expect([await rollup.getAttribute("data-removed"), await rollup.getAttribute("data-added")]).toEqual(["4", "0"]);
    expect(await rollup.innerText()).toMatch(/^\u22124 paths$/);
    expect(await doc.getByTestId("delta").innerText()).toBe("\u221210 B");
    expect(await row("/usr").getByTestId("rollup").getAttribute("data-removed")).toBe("5");
    await keepScreenshot(page, "compare");
  });

  it("filters by kind, by glob, and opens a change from the keyboard", async () => {
    await open(pair());
    await row("/only-b.txt").waitFor();
    await page.getByRole("checkbox", { name: /added/ }).uncheck();
    await page.getByRole("checkbox", { name: /modified/ }).uncheck();
    await expect.poll(rowPaths).toEqual(["/only-a.txt", "/usr"]);
    await page.getByRole("checkbox", { name: /added/ }).check();
    await expect.poll(rowPaths).toEqual(["/docs", "/only-a.txt", "/only-b.txt", "/srv", "/usr"]);
    await page.getByRole("checkbox", { name: /modified/ }).check();

    await page.keyboard.press("/"); // from the checkbox just clicked: it takes no text, so "/" jumps to the filter
    await page.keyboard.type("*.txt");
    await expect.poll(rowPaths).toContain("/home/app/data.txt");
    expect(await rowPaths()).not.toContain("/bin/su");
    await page.getByRole("tree").focus();
    // Rows: /docs, /docs/caf%E9.txt, /docs/häßlich ☃.txt, …; the focus starts on the first.
    for (let i = 0; i < 2; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForURL("**/-/fs/docs/**");
    expect(decodeURIComponent(new URL(page.url()).pathname)).toMatch(/\/-\/fs\/docs\/häßlich ☃\.txt$/);
    await expect.poll(diffRows).toEqual([
      ["removed", "1", null, "snow"],
      ["added", null, "1", "SNOW"],
    ]);
  });

  it("shows a file's changed lines with numbers on both sides, and a setuid bit as -rwsr-xr-x", async () => {
    await open(pair("/etc/motd"));
    await expect.poll(diffRows, { timeout: 15_000 }).toEqual([
      ["removed", "1", null, "hello"],
      ["added", null, "1", "HELLO"],
    ]);
    const diff = page.getByRole("region", { name: "File difference" });
    expect(await diff.getByTestId("change-kind").innerText()).toBe("modified: content");
    expect(await diff.locator('tr[data-field="digest"]').getAttribute("data-changed")).toBe("true");
    await keepScreenshot(page, "compare-file-diff");

    await row("/bin").getByRole("button").click();
    await row("/bin/su").locator("a").click();
    await page.waitForURL("**/-/fs/bin/su");
    const mode = page.locator('tr[data-field="mode"]');
    await expect.poll(() => mode.innerText()).toMatch(/-rwxr-xr-x\s+-rwsr-xr-x/);
    expect(await mode.getAttribute("data-changed")).toBe("true");
    expect(await page.getByText("Same content in both images.").count()).toBe(1);
    await keepScreenshot(page, "compare-mode-change");

    // A removed directory shows its metadata and what went with it; a removed file its one side.
    await open(pair("/usr/share/doc"));
    await expect.poll(() => page.getByTestId("directory-rollup").innerText()).toContain("4 removed");
    await open(pair("/usr/share/doc/pkg2/changelog"));
    await expect.poll(diffRows).toEqual([
      ["removed", "1", null, "v1"],
      ["removed", "2", null, "v2"],
    ]);
    expect(await page.getByText("not in B").count()).toBeGreaterThan(0);
  });

  it('"Copy link" gives a link pinned to both digests', async () => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: APP_URL });
    await open(pair("/etc/motd"));
    await page.getByRole("button", { name: "Copy link" }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${APP_URL}${compareUrl(pair("/etc/motd", `${compareA.ref}@${compareA.digest}`, `${compareB.ref}@${compareB.digest}`))}`);
    await page.goto(copied);
    await expect.poll(diffRows, { timeout: 15_000 }).toHaveLength(2);
  });

  it("renders a hostile label and hostile file contents as text: nothing runs", async () => {
    await open(pair());
    await expect.poll(() => page.getByText("<img src=x onerror=alert(1)>").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator("img").count()).toBe(0);
    await open(pair("/web/index.html", fixtures.fs.ref, fixtures.multi.ref));
    await expect
      .poll(diffRows, { timeout: 15_000 })
      .toEqual([["removed", "1", null, "<html><body><script>document.title='pwned'</script>hello</body></html>"]]);
    expect(await page.title()).not.toBe("pwned");
  });

  it("starts from the image page's Compare with… and from the home page", async () => {
    await page.goto(`${APP_URL}${imageUrl({ ref: compareA.ref, platform: null, view: { kind: "fs", path: "/", upTo: null } })}`);
    await page.getByRole("button", { name: "Compare with…" }).click();
    await page.getByLabel("Compare with", { exact: true }).fill("Not/Valid");
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "must be lowercase" }).count()).toBe(1);
    await page.getByLabel("Compare with", { exact: true }).fill(compareB.ref);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/compare/**");
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/compare/${compareA.ref}@${compareA.digest}/-/vs/${compareB.ref}`);
    await expect.poll(() => page.getByTestId("compare-summary").innerText(), { timeout: 15_000 }).toContain("7 modified");

    await page.goto(`${APP_URL}/`);
    await page.getByLabel("Image A", { exact: true }).fill(compareA.ref);
    await page.getByLabel("Image B", { exact: true }).fill(compareB.ref);
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    await page.waitForURL("**/compare/**");
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/compare/${compareA.ref}/-/vs/${compareB.ref}`);
  });

  it("says what is wrong, and asks to sign in to the registry of the side that needs it", async () => {
    await open(pair("/", compareA.ref, `${compareA.registry}/fixtures/does-not-exist:v1`));
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "Not found" }).count(), { timeout: 15_000 }).toBe(1);

    const { TEST_USER } = await import("@/tests/world/config");
    await open(pair("/", compareA.ref, fixtures.tokenPrivate.ref));
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "Authentication required" }).count(), { timeout: 15_000 }).toBe(1);
    const form = page.getByRole("form", { name: `Sign in to ${fixtures.tokenPrivate.registry}` });
    await expect.poll(() => form.count()).toBe(1);
    expect(await page.getByRole("form", { name: /Sign in to/ }).count()).toBe(1);
    await page.getByLabel("Username").fill(TEST_USER.username);
    await page.getByLabel("Password or token").fill(TEST_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("compare-summary").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId("ref-b").innerText()).toBe(fixtures.tokenPrivate.ref);
  });
});

describe("comparing two images' packages in a real browser", () => {
  // npm takes any version without spaces: this one is markup, and must stay text.
  const HOSTILE = "<img/src=x/onerror=alert(1)>";
  const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n\n`;
  const dpkg = (status: string) => ({ name: "var/lib/dpkg/status", content: status });
  let before: PushedFixture;
  let after: PushedFixture;

  beforeAll(async () => {
    [before, after] = await Promise.all([
      pushSingle(OPEN_REGISTRY, "fixtures/packages-compare", "before", {
        format: "oci",
        layers: [
          {
            entries: [
              { name: "bin/bash", content: "shell", mode: 0o755 },
              { name: "usr/bin/apt", content: "apt", mode: 0o755 },
              dpkg(stanza("alpha", "1.0-1") + stanza("beta", "2.0-1") + stanza("same", "1")),
            ],
          },
        ],
      }),
      pushSingle(OPEN_REGISTRY, "fixtures/packages-compare", "after", {
        format: "oci",
        config: { User: "65532" },
        layers: [
          {
            entries: [
              dpkg(stanza("alpha", "1.1-1") + stanza("same", "1") + stanza("gamma", "3.0-1")),
              { name: "app/node_modules/evil/package.json", content: JSON.stringify({ name: "evil", version: HOSTILE }) },
            ],
          },
        ],
      }),
    ]);
  });

  it("lists the package changes and sets the two attack surfaces side by side", async () => {
    await open(pair("/", before.ref, after.ref));
    const packages = page.getByRole("region", { name: "Packages" });
    await expect
      .poll(() => packages.getByTestId("package-diff-summary").textContent(), { timeout: 15_000 })
      .toBe("(2 added · 1 removed · 1 changed)");
    const changes = await packages
      .getByRole("table", { name: "Package changes" })
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-kind"), ...[...r.children].map((c) => (c as HTMLElement).innerText.trim())]));
    expect(changes).toEqual([
      ["changed", "~ deb:alpha", "1.0-1", "1.1-1"],
      ["removed", "\u2212 deb:beta", "2.0-1", "not installed"],
      ["added", "+ deb:gamma", "not installed", "3.0-1"],
      ["added", "+ npm:evil", "not installed", HOSTILE],
    ]);
    const surface = (side: "a" | "b") => packages.getByTestId(`surface-${side}`).locator("li").allInnerTexts();
    await expect.poll(() => surface("a")).toEqual(["runs as root", "has a shell (bash)", "package manager apt"]);
    expect(await surface("b")).toEqual(["runs as 65532", "no shell", "no package manager"]);
    expect(await page.locator("img").count()).toBe(0);
    await keepScreenshot(page, "compare-packages");
  });
});
