/**
 * Entry-heavy images: one gzip layer of N files of a few bytes, 1 000 to a directory (a Python ML
 * stack or a node_modules monorepo is this shape), generated once into .bench/ and pushed to the
 * bench registry. Measured side by side with `curl | gzip -dc | tar -tv` on the same blob: the cold
 * listing (and the server's peak RSS meanwhile), the merged tree cold and warm, and one directory's
 * children and a search on a warm server.
 */
import { createWriteStream, existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { createGzip } from "node:zlib";
import { END_OF_ARCHIVE, rawEntry, tarHeader } from "../../tests/support/tar";
import { pipelineBaseline } from "./baseline";
import { deepLinkFigures, LINK_RUNS } from "./links";
import { imageUrl } from "../../lib/core/urls";

const PER_DIRECTORY = 1000;

interface App {
  url: string;
  cacheDir: string;
  rssMb: () => number;
  stop(): Promise<void>;
}

export interface ManyFilesTools {
  work: string;
  registry: string;
  startApp: (options?: { cacheDir?: string }) => Promise<App>;
  timed: (url: string, rssMb?: () => number) => Promise<{ total: number; lines: number; peakRssMb: number }>;
  /** Pushes a one-layer image of the gzip layer at `path`; its blob digest. */
  pushLayer: (repo: string, tag: string, path: string, createdBy: string) => Promise<{ digest: string }>;
  cleanCache: (dir: string) => void;
}

/** `.bench/many-<files>.tar.gz`, written once (gzip -1: seconds, not minutes, for a million entries). */
async function ensureLayer(work: string, files: number): Promise<string> {
  const path = join(work, `many-${files}.tar.gz`);
  if (existsSync(path)) return path;
  const gzip = createGzip({ level: 1 });
  const done = new Promise<void>((resolve, reject) =>
    gzip
      .pipe(createWriteStream(`${path}.part`))
      .on("finish", () => resolve())
      .on("error", reject),
  );
  let batch: Buffer[] = [];
  const flush = async () => {
    if (!gzip.write(Buffer.concat(batch))) await new Promise((resolve) => gzip.once("drain", resolve));
    batch = [];
  };
  for (let i = 0; i < files; i++) {
    const dir = `data/d${Math.floor(i / PER_DIRECTORY)}`;
    if (i % PER_DIRECTORY === 0) batch.push(tarHeader(`${dir}/`, { type: "5" }));
    batch.push(rawEntry(`${dir}/f${i}.txt`, { content: `file ${i}\n` }));
    if (batch.length >= 2048) await flush();
  }
  batch.push(END_OF_ARCHIVE);
  await flush();
  gzip.end();
  await done;
  renameSync(`${path}.part`, path);
  return path;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Warm requests: the median of 5 after one to warm. */
async function warm(url: string): Promise<number> {
  await fetch(url).then((response) => response.arrayBuffer());
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** A one-layer image of `files` generated files, pushed; its reference and layer digest. */
async function pushed(tools: ManyFilesTools, files: number): Promise<{ ref: string; repo: string; digest: string }> {
  const repo = `bench/many-${files}`;
  const layer = await ensureLayer(tools.work, files);
  const { digest } = await tools.pushLayer(repo, "v1", layer, `${files} files of a few bytes, ${PER_DIRECTORY} to a directory`);
  return { ref: `${tools.registry}/${repo}:v1`, repo, digest };
}

const RUNS = 3;

/**
 * The first files opened by an instance whose cache has the image's index and listing but whose
 * memory has nothing of them (a restart, or the tenth instance): one in the layer's view, then one
 * of the merged tree, then the next ones; and how far the server's RSS rose above idle meanwhile.
 */
async function firstFiles(
  tools: ManyFilesTools,
  cacheDir: string,
  image: { ref: string; digest: string },
  warmUp: { ref: string; digest: string },
  dir: string,
) {
  const app = await tools.startApp({ cacheDir });
  const file = (n: number, params: Record<string, string> = {}) =>
    `${app.url}/api/v1/file?${new URLSearchParams({ ref: image.ref, path: `${dir}/f${n}.txt`, ...params })}`;
  try {
    // The routes loaded on another image: what is measured is the file, not the process's first request.
    await tools.timed(`${app.url}/api/v1/file?${new URLSearchParams({ ref: warmUp.ref, path: "/data/d0/f1.txt", layer: warmUp.digest })}`);
    const idle = app.rssMb();
    const first = Number(dir.slice(dir.lastIndexOf("d") + 1)) * PER_DIRECTORY;
    const inLayer = await tools.timed(file(first + 7, { layer: image.digest }), app.rssMb);
    const merged = await tools.timed(file(first + 8), app.rssMb);
    const next = await warm(file(first + 9));
    return {
      inLayerMs: inLayer.total,
      mergedMs: merged.total,
      nextMs: next,
      rssRiseMb: Math.max(inLayer.peakRssMb, merged.peakRssMb, app.rssMb()) - idle,
    };
  } finally {
    await app.stop();
  }
}

export async function manyFilesFigures(tools: ManyFilesTools, files: number) {
  const { ref, repo, digest } = await pushed(tools, files);
  // Loads the server's routes: what is measured is a layer no one listed, not a process no one used.
  const warmUp = await pushed(tools, PER_DIRECTORY);
  const blobUrl = `http://${tools.registry}/v2/${repo}/blobs/${digest}`;
  const { times: baselines, entries } = pipelineBaseline(blobUrl, RUNS);
  const colds: Awaited<ReturnType<ManyFilesTools["timed"]>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const app = await tools.startApp();
    const api = (path: string, params: Record<string, string>) => `${app.url}/api/v1/${path}?${new URLSearchParams({ ref, ...params })}`;
    try {
      await tools.timed(`${app.url}/api/v1/layer?${new URLSearchParams({ ref: warmUp.ref, digest: warmUp.digest })}`);
      colds.push(await tools.timed(api("layer", { digest }), app.rssMb));
      if (i < RUNS - 1) continue;
      // The tree's index: made from the listing once (what a first directory costs), then read a directory at a time.
      const indexed = await tools.timed(api("summary", {}), app.rssMb);
      const middle = `/data/d${Math.floor(files / PER_DIRECTORY / 2)}`;
      const directory = await warm(api("dir", { path: middle }));
      const search = await warm(api("search", { q: `f${Math.floor(files / 3)}.txt`, limit: "100" }));
      const glob = await warm(api("search", { q: `**/d1*/f1*.txt`, limit: "100" }));
      // The one layer's view: a directory of its changes, and its filter (a glob) among them.
      const layerDirectory = await warm(api("changes", { layer: "0", dir: middle }));
      const layerGlob = await warm(api("changes", { layer: "0", q: `**/d1*/f1*.txt`, limit: "1000" }));
      const browser = await deepLinkFigures({
        appUrl: app.url,
        url: imageUrl({ ref, platform: null, view: { kind: "fs", path: middle, upTo: null } }),
        shown: [
          { selector: `[role=treeitem][aria-selected="true"]`, text: middle.slice(middle.lastIndexOf("/") + 1) },
          { selector: 'section[aria-label="Directory"]', text: `${PER_DIRECTORY} entries` },
        ],
        // Its selected row, and a file in it.
        inHtml: `data-path="${middle}/f${Math.floor(files / 2) + 1}.txt"`,
      });
      // The whole tree as one answer, still there for scripts (and what the page used to fetch).
      const fsCold = await tools.timed(api("fs", {}), app.rssMb);
      const fsWarm = await warm(api("fs", {}));
      await app.stop();
      const opened = await firstFiles(tools, app.cacheDir, { ref, digest }, warmUp, middle);
      const byTime = [...colds].sort((a, b) => a.total - b.total);
      const cold = { ...(byTime[1] as (typeof colds)[number]), peakRssMb: Math.max(...colds.map((run) => run.peakRssMb)) };
      return {
        files,
        entries,
        baselineMs: median(baselines),
        cold,
        indexed,
        fsCold,
        fsWarm,
        directory,
        search,
        glob,
        layerDirectory,
        layerGlob,
        browser,
        opened,
        ref,
        middle,
      };
    } finally {
      await app.stop();
      tools.cleanCache(app.cacheDir);
    }
  }
  throw new Error("unreachable");
}

export function manyFilesRows(figures: Awaited<ReturnType<typeof manyFilesFigures>>): [string, string, string, boolean | null][] {
  const { files, entries, baselineMs, cold, indexed, fsCold, fsWarm, directory, search, glob, layerDirectory, layerGlob, browser, opened } = figures;
  const label = `${files.toLocaleString("en")} files`;
  const ratio = cold.total / baselineMs;
  return [
    [`${label}: baseline curl | gzip -dc | tar -tv (median of ${RUNS})`, `${baselineMs.toFixed(0)} ms, ${entries} entries`, "", null],
    [
      `${label}: cold listing / baseline (medians of ${RUNS})`,
      `${cold.total.toFixed(0)} ms (${ratio.toFixed(2)}×), ${cold.lines - 1} entries`,
      "≤ 1.5×",
      ratio <= 1.5,
    ],
    [`${label}: server peak RSS, cold listings (the highest)`, `${cold.peakRssMb.toFixed(0)} MB`, "≤ 300 MB", cold.peakRssMb <= 300],
    [
      `${label}: merged tree after the listing / warm`,
      `${fsCold.total.toFixed(0)} / ${fsWarm.toFixed(0)} ms (peak RSS ${fsCold.peakRssMb.toFixed(0)} MB)`,
      "",
      null,
    ],
    [
      `${label}: the tree's index made after the listing (the first summary)`,
      `${indexed.total.toFixed(0)} ms (peak RSS ${indexed.peakRssMb.toFixed(0)} MB)`,
      "",
      null,
    ],
    [
      `${label}: from the index, warm: one directory (1 000 children) / a search by name / by glob`,
      `${directory.toFixed(1)} / ${search.toFixed(1)} / ${glob.toFixed(1)} ms`,
      "",
      null,
    ],
    [
      `${label}: from the index, warm: a directory of the layer's changes / its changes by glob (the first 1 000)`,
      `${layerDirectory.toFixed(1)} / ${layerGlob.toFixed(1)} ms`,
      "",
      null,
    ],
    [
      `${label}: browser, deep link to a directory shown, median / p95 of ${LINK_RUNS}, beside the home page`,
      `${browser.linkMs.toFixed(0)} / ${browser.linkP95Ms.toFixed(0)} ms, ${(browser.linkMs / browser.homeMs).toFixed(2)}× home (${browser.homeMs.toFixed(0)} ms); ` +
        `HTML ${browser.htmlKb.toFixed(0)} KB in ${browser.htmlMs.toFixed(0)} ms, its row and files in it: ${browser.textInHtml ? "yes" : "no"}`,
      "≤ 1.3× home",
      browser.linkMs / browser.homeMs <= 1.3,
    ],
    [
      `${label}: a fresh instance over the cache: the first file opened in the layer's view / merged / the next (warm)`,
      `${opened.inLayerMs.toFixed(0)} / ${opened.mergedMs.toFixed(0)} / ${opened.nextMs.toFixed(1)} ms, RSS +${opened.rssRiseMb.toFixed(0)} MB`,
      "RSS ≤ +100 MB",
      opened.rssRiseMb <= 100,
    ],
    [`${label}: browser, the deep link's page JS heap, settled (the highest)`, `${browser.heapMb.toFixed(0)} MB`, "< 150 MB", browser.heapMb < 150],
  ];
}
