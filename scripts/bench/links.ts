/**
 * Shared links in Chromium: a link to one file, in the merged view and in its layer's view, against
 * the bare home page, on a warm server. Each navigation is in a fresh browser context (nothing
 * cached in the browser); its time is the page's own `performance.now()` (ms since navigation start)
 * on the first animation frame at which what it is for is visible.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { imageUrl } from "../../lib/core/urls";

export const LINK_RUNS = 7;
const TIMEOUT = 30_000;
/** The first load of a link on a fresh server lists the layer and merges the tree. */
const WARM_TIMEOUT = 180_000;

/** Visible elements matching `selector`, one of whose text contains `text`: every one of them, for a page to count as shown. */
type Shown = { selector: string; text: string }[];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1] as number;

/**
 * Runs in the page from its first script on: notes `performance.now()` at the first frame where `shown` holds. No named
 * inner functions: tsx would wrap them in a helper the page does not have.
 */
async function watch(shown: Shown) {
  if (window !== window.top) return;
  for (;;) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const holds = shown.every(({ selector, text }) =>
      [...document.querySelectorAll<HTMLElement>(selector)].some((element) => element.checkVisibility() && element.innerText.includes(text)),
    );
    if (holds) return ((window as { shownAt?: number }).shownAt = performance.now());
  }
}

/** One navigation in a fresh context: ms from navigation start until `shown` held; `then` looks at the page before it closes. */
async function timeTo(browser: Browser, url: string, shown: Shown, timeout: number, then?: (page: Page) => Promise<void>): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(watch, shown);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "commit", timeout });
    let shownAt: number;
    try {
      shownAt = (await (await page.waitForFunction(() => (window as { shownAt?: number }).shownAt, undefined, { timeout })).jsonValue()) as number;
    } catch (error) {
      throw new Error(`${url}: not shown in ${timeout} ms`, { cause: error });
    }
    await then?.(page);
    return shownAt;
  } finally {
    await context.close();
  }
}

const launch = () =>
  chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });

const HOME: Shown = [
  { selector: "main h1", text: "Porthole" },
  { selector: 'input[aria-label="Image reference"]', text: "" },
];

/** The page's JS heap in MB once it has settled (the network idle) and been collected. */
async function settledHeapMb(page: Page): Promise<number> {
  await page.waitForLoadState("networkidle");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  return usedSize / 2 ** 20;
}

/** The HTML as the server sends it: how long the whole of it takes (median of LINK_RUNS), how big it is, and whether `text` is in it. */
async function htmlFigures(url: string, text: string) {
  const fetches: { ms: number; text: string }[] = [];
  for (let i = 0; i < LINK_RUNS; i++) {
    const started = performance.now();
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    fetches.push({ text: await response.text(), ms: performance.now() - started });
  }
  const html = (fetches[0] as { text: string }).text;
  return { htmlMs: median(fetches.map((f) => f.ms)), htmlKb: Buffer.byteLength(html) / 1024, textInHtml: html.includes(text) };
}

/**
 * A deep link to a directory (`shown` once its row and its contents are drawn) beside the home
 * page, LINK_RUNS fresh contexts each in turn after one to warm; and the link's page's settled JS heap
 * (the highest of its runs).
 */
export async function deepLinkFigures(options: { appUrl: string; url: string; shown: Shown; inHtml: string }) {
  const browser = await launch();
  try {
    await timeTo(browser, options.appUrl, HOME, WARM_TIMEOUT);
    await timeTo(browser, options.appUrl + options.url, options.shown, WARM_TIMEOUT);
    const home: number[] = [];
    const link: number[] = [];
    const heaps: number[] = [];
    for (let i = 0; i < LINK_RUNS; i++) {
      home.push(await timeTo(browser, `${options.appUrl}/`, HOME, TIMEOUT));
      link.push(
        await timeTo(browser, options.appUrl + options.url, options.shown, TIMEOUT, async (page) => void heaps.push(await settledHeapMb(page))),
      );
    }
    const html = await htmlFigures(options.appUrl + options.url, options.inHtml);
    return { homeMs: median(home), linkMs: median(link), linkP95Ms: p95(link), heapMb: Math.max(...heaps), ...html };
  } finally {
    await browser.close();
  }
}

/**
 * The home page, and links to `path` (a text file containing `text`) in the merged view of `ref` and
 * in the view of its layer `digest`: each loaded once to warm the server, then `LINK_RUNS` times each,
 * in turn. Also whether the file's text is in each link's HTML as the server first sends it.
 */
export async function linkFigures(options: { appUrl: string; ref: string; digest: string; path: string; text: string }) {
  const viewer: Shown = [{ selector: '[role=region][aria-label="File viewer"]', text: options.text }];
  const targets = [
    { name: "home", url: "/", shown: HOME },
    { name: "merged", url: imageUrl({ ref: options.ref, platform: null, view: { kind: "fs", path: options.path, upTo: null } }), shown: viewer },
    {
      name: "layer",
      url: imageUrl({ ref: options.ref, platform: null, view: { kind: "layer", digest: options.digest, path: options.path } }),
      shown: viewer,
    },
  ];
  const browser = await launch();
  try {
    const runs = targets.map((target) => ({ ...target, times: [] as number[] }));
    for (const run of runs) await timeTo(browser, options.appUrl + run.url, run.shown, WARM_TIMEOUT);
    for (let i = 0; i < LINK_RUNS; i++) for (const run of runs) run.times.push(await timeTo(browser, options.appUrl + run.url, run.shown, TIMEOUT));
    const answers = [];
    for (const run of runs) {
      answers.push({
        name: run.name,
        medianMs: median(run.times),
        p95Ms: p95(run.times),
        ...(await htmlFigures(options.appUrl + run.url, options.text)),
      });
    }
    return answers;
  } finally {
    await browser.close();
  }
}

/** The bench's rows: each link beside the home page, in the same run. */
export function linkRows(figures: Awaited<ReturnType<typeof linkFigures>>, path: string): [string, string, string, null][] {
  const home = figures.find((f) => f.name === "home")?.medianMs ?? NaN;
  return figures.map((f) => [
    f.name === "home"
      ? `browser, home page /: heading and ref form shown, median / p95 of ${LINK_RUNS} fresh contexts`
      : `browser, link to ${path} in the ${f.name === "layer" ? "layer's" : "merged"} view: its text shown, median / p95`,
    `${f.medianMs.toFixed(0)} / ${f.p95Ms.toFixed(0)} ms` +
      (f.name === "home" ? "" : `, ${(f.medianMs / home).toFixed(2)}× home; text in the first HTML: ${f.textInHtml ? "yes" : "no"}`) +
      `; HTML ${f.htmlKb.toFixed(0)} KB in ${f.htmlMs.toFixed(0)} ms`,
    "",
    null,
  ]);
}
