/**
 * A comparison that changes more paths than the compare page asks for at once (DIFF_PAGE) shows a
 * page of them, asks for the next on request, and still shows a path beyond the loaded pages.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DIFF_PAGE } from "@/lib/compare/diff";
import { formatCount } from "@/lib/core/format";
import { compareUrl } from "@/lib/core/urls";
import { APP_URL, OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle } from "@/tests/world/fixtures";
import { pagePerTest } from "./browser";

let page: Page;
pagePerTest((opened) => (page = opened));

const FILES = DIFF_PAGE + 700;
const name = (i: number) => `spread/d${String(i % 50).padStart(2, "0")}/f${String(i).padStart(5, "0")}.txt`;
let before = "";
let after = "";
beforeAll(async () => {
  const files = Array.from({ length: FILES }, (_, i) => ({ name: name(i), content: `${i}\n` }));
  before = (
    await pushSingle(OPEN_REGISTRY, "e2e/big-compare", "before", { format: "oci", layers: [{ entries: [{ name: "keep.txt", content: "same\n" }] }] })
  ).ref;
  after = (
    await pushSingle(OPEN_REGISTRY, "e2e/big-compare", "after", {
      format: "oci",
      layers: [{ entries: [{ name: "keep.txt", content: "same\n" }, ...files] }],
    })
  ).ref;
}, 120_000);

const link = (path: string) => `${APP_URL}${compareUrl({ a: before, b: after, platformA: null, platformB: null, path })}`;
const status = () => page.getByRole("status").filter({ hasText: "changed paths" });

describe("a big comparison", () => {
  it("shows the first page of changed paths with how many there are, and the next on request", async () => {
    await page.goto(link("/"));
    // Every added file and its directories: spread/, its 50 directories and the files.
    const total = FILES + 51;
    await expect
      .poll(() => status().innerText(), { timeout: 60_000 })
      .toContain(`The first ${formatCount(DIFF_PAGE)} of ${formatCount(total)} changed paths`);
    // What is ranked is said to be of the loaded changes only, until they are all here.
    const largest = page.getByRole("region", { name: "Largest changes" }).getByRole("heading");
    await expect.poll(() => largest.innerText()).toBe(`Largest changes of the first ${formatCount(DIFF_PAGE)}`);
    // The next page fails once (a proxy's 502, made here: the app's own server would not): said, and asked again on request.
    let failed = 0;
    await page.route(
      (url) => url.pathname === "/api/v1/diff" && url.searchParams.has("after"),
      (route) => (failed++ === 0 ? route.fulfill({ status: 502, body: "Bad Gateway" }) : route.continue()),
    );
    await page.getByRole("button", { name: `Show the next ${formatCount(DIFF_PAGE)}` }).click();
    const failure = () => page.locator("main").getByRole("alert");
    await expect.poll(() => failure().count()).toBe(1);
    expect(await status().innerText()).toContain(`The first ${formatCount(DIFF_PAGE)} of`);
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => status().count()).toBe(0);
    expect(await failure().count()).toBe(0);
    expect(failed).toBe(2);
    await expect.poll(() => largest.innerText()).toBe("Largest changes");
  }, 90_000);

  it("shows a change beyond the first page when linked to", async () => {
    const last = `/${name(FILES - 1)}`;
    await page.goto(link(last));
    await expect.poll(() => page.getByText(last).count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole("region", { name: "Directory" }).count()).toBe(0);
    await expect.poll(() => page.getByText(/No difference at/).count()).toBe(0);
    const dir = `/${name(FILES - 1)
      .split("/")
      .slice(0, 2)
      .join("/")}`;
    await page.goto(link(dir));
    await expect.poll(() => page.getByTestId("directory-rollup").innerText()).toMatch(/Below it: \d+ added/);
  }, 90_000);
});
