/** Debian's Chromium driven by playwright-core (no browser download: `npx playwright install` can't work here). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";

export const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-results");

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * One Chromium for the test file and a fresh page for each test, handed to `onPage`. A dialog
 * (`alert`, `confirm`…) is dismissed and recorded in `dialogs`; after each test, neither an uncaught
 * page error nor a dialog may have happened (a hostile name or file must never run script).
 */
export function pagePerTest(onPage: (page: Page) => void): { readonly dialogs: readonly string[] } {
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    if (!browser) throw new Error("Chromium did not start");
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    untilHydrated(page);
    pageErrors.length = 0;
    dialogs.length = 0;
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    onPage(page);
  });
  afterEach(async () => {
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    await page?.close();
  });
  return { dialogs };
}

/**
 * Makes `page.goto` of an app page resolve once the page has hydrated (components/HydrationMark.tsx). Pages arrive
 * rendered, so what a test presses or clicks can show before its handler exists; a user's early
 * click is lost the same way, but a test must not race the scripts.
 */
function untilHydrated(page: Page): void {
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    // The app's pages only: an API answer opened as a page has no scripts to wait for.
    if (response?.headers()["content-type"]?.startsWith("text/html")) {
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true", undefined, { timeout: 30_000 });
    }
    return response;
  };
}

/** Keeps a screenshot of a main view as a test artifact. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
