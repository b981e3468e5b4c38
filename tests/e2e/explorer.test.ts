import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { imageUrl } from "@/lib/core/urls";
import { APP_URL } from "@/tests/world/config";
import { keepScreenshot, pagePerTest } from "./browser";

const fixtures = inject("fixtures");
const fsFixture = fixtures.fs;
const fsLayers = fsFixture.images[0]!.layers;

let page: Page;
const { dialogs } = pagePerTest((opened) => (page = opened));

const open = (path: string) => page.goto(`${APP_URL}${path}`);
const fsUrl = (path: string, ref = fsFixture.ref) => imageUrl({ ref, platform: null, view: { kind: "fs", path, upTo: null } });
const viewer = () => page.getByRole("region", { name: "File viewer" });

describe("Porthole in a real browser", () => {
  it("paste a ref → layers and tree appear → open a file → its text", async () => {
    await open("/");
    await keepScreenshot(page, "home");
    await page.getByLabel("Image reference").fill(fixtures.multi.ref);
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/image/${fixtures.multi.ref}`);
    await expect.poll(() => page.locator("[data-testid^=layer-]").count()).toBe(3);
    await expect.poll(() => page.getByRole("navigation", { name: "Layers" }).getByText("RUN make app").count()).toBe(1);
    const app = page.locator('[role=treeitem][data-path="/app"]');
    await app.locator("a").click();
    await page.locator('[role=treeitem][data-path="/app/main.txt"] a').click();
    await page.waitForURL("**/-/fs/app/main.txt");
    await expect.poll(() => viewer().innerText()).toContain("line 3");
    await keepScreenshot(page, "file-view");
  });

  it("shows attacker-written labels and commands as text", async () => {
    await open(fsUrl("/", fixtures.multi.ref));
    await page.getByText("Environment, labels, manifest and config").click();
    await expect.poll(() => page.getByText("org.opencontainers.image.title=multi <script>alert(1)</script>").count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  it("says what is wrong with a malformed ref before leaving the page", async () => {
    await open("/");
    await page.getByLabel("Image reference").fill("Bad/Ref");
    // (Next.js keeps an empty role=alert route announcer on every page.)
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "must be lowercase" }).count()).toBe(1);
    await page.keyboard.press("Enter");
    expect(new URL(page.url()).pathname).toBe("/");
  });

  it("opens a deep link to an awkward name in one layer", async () => {
    const url = imageUrl({ ref: fsFixture.ref, platform: null, view: { kind: "layer", digest: fsLayers[2]!.digest, path: "/odd/häßlich ☃.txt" } });
    await open(url);
    await expect.poll(() => viewer().innerText()).toContain("unicode");
    await open(fsUrl("/odd/question?.txt"));
    await expect.poll(() => viewer().innerText()).toContain("question");
    await open(fsUrl("/odd/caf%E9.txt"));
    await expect.poll(() => viewer().innerText()).toContain("latin1 name");
  });

  it("a #L2-L3 link highlights those lines", async () => {
    await open(`${fsUrl("/text/lines.txt")}#L2-L3`);
    await expect
      .poll(() => page.locator("[data-line][aria-pressed=true]").evaluateAll((buttons) => buttons.map((b) => b.getAttribute("data-line"))))
      .toEqual(["2", "3"]);
    await page.locator('[data-line="5"]').click();
    expect(new URL(page.url()).hash).toBe("#L5");
    await page.locator('[data-line="1"]').click({ modifiers: ["Shift"] });
    expect(new URL(page.url()).hash).toBe("#L1-L5");
    await keepScreenshot(page, "line-selection");
  });

  it("switches platform on an index", async () => {
    await open(fsUrl("/arch.txt", fixtures.index.ref));
    await expect.poll(() => viewer().innerText()).toContain("amd64");
    await page.getByLabel("Platform").selectOption("linux/arm64/v8");
    await page.waitForURL("**platform=linux%2Farm64%2Fv8");
    await expect.poll(() => page.getByTestId("manifest-digest").innerText()).toBe(fixtures.index.images[1]!.digest);
    await page.locator('[role=treeitem][data-path="/arch.txt"] a').click();
    await expect.poll(() => viewer().innerText()).toContain("arm64");
  });

  it("shows a removed file as removed in its layer's view", async () => {
    await open(imageUrl({ ref: fsFixture.ref, platform: null, view: { kind: "layer", digest: fsLayers[1]!.digest, path: "/" } }));
    const removed = page.locator('[role=treeitem][data-path="/deleteme.txt"]');
    await expect.poll(() => removed.getAttribute("data-change")).toBe("removed");
    expect(await removed.locator("a").evaluate((a) => getComputedStyle(a).textDecorationLine)).toBe("line-through");
    await keepScreenshot(page, "layer-changes");
  });

  it("views an HTML file and an SVG with script as text, and nothing runs", async () => {
    for (const path of ["/web/index.html", "/web/logo.svg"]) {
      await open(fsUrl(path));
      await expect.poll(() => viewer().innerText()).toContain("<script>");
      expect(await page.title()).not.toBe("pwned");
    }
    // Even opened directly, the API's bytes are sandboxed text.
    await open(`/api/v1/file?ref=${encodeURIComponent(fsFixture.ref)}&path=/web/logo.svg`);
    expect(await page.title()).not.toBe("pwned");
    expect(dialogs).toEqual([]);
  });

  it("shows a clear message for an unknown repository", async () => {
    await open(fsUrl("/", `${fixtures.multi.registry}/fixtures/does-not-exist:v1`));
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "Not found" }).count()).toBe(1);
    expect(await page.getByRole("alert").filter({ hasText: "Not found" }).innerText()).toContain("fixtures/does-not-exist");
    await keepScreenshot(page, "not-found");
  });

  it("filters the tree by glob and navigates with the keyboard", async () => {
    await open(fsUrl("/"));
    await page.locator('[role=treeitem][data-path="/etc"]').waitFor();
    await page.keyboard.press("/");
    await page.keyboard.type("*.txt");
    await expect
      .poll(() => page.locator("[role=treeitem]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path"))))
      .toContain("/text/lines.txt");
    expect(await page.locator('[role=treeitem][data-path="/etc/passwd"]').count()).toBe(0);
    await page.getByRole("tree").focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForURL("**/-/fs/**");
  });
});

describe("private images", () => {
  it("asks to sign in, checks the credentials, then shows the image", async () => {
    const { TEST_USER } = await import("@/tests/world/config");
    await open(fsUrl("/hello.txt", fixtures.tokenPrivate.ref));
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "Authentication required" }).count()).toBe(1);
    await page.getByLabel("Username").fill(TEST_USER.username);
    await page.getByLabel("Password or token").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    const form = page.getByRole("form", { name: /Sign in to/ });
    await expect.poll(() => form.getByRole("alert").count()).toBe(1);
    expect(await form.getByRole("alert").innerText()).toMatch(/rejected the credentials/);
    await page.getByLabel("Password or token").fill(TEST_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => viewer().innerText(), { timeout: 10_000 }).toContain("hello from a registry with auth");
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "porthole_session")).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  });
});
