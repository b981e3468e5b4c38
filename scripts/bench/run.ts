/**
 * `npm run bench`: how fast Porthole reads a big layer, measured side by side with
 * `curl | gzip -dc | tar -tv` on the same blob, on this machine. Prints a table and writes
 * .bench/results.json. Needs root (mmdebstrap) the first time, to build the test layer.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, openSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Agent, get as httpGet } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createGunzip, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { debianRootfs } from "../../tests/support/debian-rootfs";
import { buildImage } from "../../tests/support/image-builder";
import { PIPELINE, pipelineBaseline } from "./baseline";
import { linkFigures, linkRows } from "./links";
import { manyFilesFigures, manyFilesRows } from "./many-files";
import { randomAccessFigures } from "./random-access";
import { scaleOutFigures } from "./scale-out";

const ROOT = join(import.meta.dirname, "..", "..");
const WORK = join(ROOT, ".bench");
const REGISTRY = "127.0.0.1:15100";
const APP_PORT = 3200;
/** The counting proxy in front of the registry, for what random access fetches. */
const PROXY_PORT = 15101;
const REPO = "bench/debian-toolchain";
const TAG = "v1";
const REF = `${REGISTRY}/${REPO}:${TAG}`;
const COMPARE_REPO = "bench/debian";
const SMALL_REPO = "bench/small";
const RUNS = 3;
/** The file the link rows open: a regular file (`/etc/os-release` is a symlink to it). */
const LINK_PATH = "/usr/lib/os-release";
const APP_LOG = process.argv.includes("--app-log");

const children: ChildProcess[] = [];
const cleanup = () => children.forEach((child) => child.exitCode === null && child.kill("SIGKILL"));
process.on("exit", cleanup);
process.on("SIGINT", () => process.exit(130));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Debian bookworm root filesystem with a compiler toolchain, a JDK and Go, as a gzip layer. */
function ensureLayer(): string {
  const gz = join(WORK, "rootfs.tar.gz");
  if (existsSync(gz)) return gz;
  const tarFile = join(WORK, "rootfs.tar");
  if (!existsSync(tarFile)) {
    console.log("building the test layer with mmdebstrap (a few minutes, once)…");
    execFileSync(
      "mmdebstrap",
      ["--mode=root", "--variant=apt", "--include=build-essential,default-jdk-headless,golang-go", "--format=tar", "bookworm", `${tarFile}.part`],
      { stdio: "inherit" },
    );
    execFileSync("mv", [`${tarFile}.part`, tarFile]);
  }
  execFileSync("bash", ["-c", `$(command -v pigz || echo gzip) -6 -n -c '${tarFile}' > '${gz}.part' && mv '${gz}.part' '${gz}'`], {
    stdio: "inherit",
  });
  return gz;
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}`;
}

async function startRegistry(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "porthole-bench-registry-"));
  writeFileSync(
    join(dir, "config.yml"),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${REGISTRY}\n`,
  );
  const child = spawn("/usr/bin/docker-registry", ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  children.push(child);
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`http://${REGISTRY}/v2/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error("the bench registry did not start");
}

interface BlobSource {
  stream: () => NodeJS.ReadableStream;
  size: number;
  digest: string;
}

const bytesSource = (bytes: Buffer): BlobSource => ({
  stream: () =>
    (async function* () {
      yield bytes;
    })() as unknown as NodeJS.ReadableStream,
  size: bytes.length,
  digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
});

/** Uploads a blob, streamed (layers are hundreds of MB), unless the registry has it already. */
async function uploadBlob(repo: string, blob: BlobSource): Promise<void> {
  const head = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${blob.digest}`, { method: "HEAD" });
  if (head.ok) return;
  const start = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  const location = new URL(start.headers.get("location") as string, `http://${REGISTRY}`);
  location.searchParams.set("digest", blob.digest);
  const put = await fetch(location, {
    method: "PUT",
    body: blob.stream() as unknown as ReadableStream,
    headers: { "content-length": String(blob.size), "content-type": "application/octet-stream" },
    duplex: "half",
  } as RequestInit);
  if (put.status !== 201) throw new Error(`blob upload failed: ${put.status} ${await put.text()}`);
}

/** Pushes a one-layer OCI image whose gzip layer has been uploaded already. */
async function pushOneLayerImage(repo: string, tag: string, layer: { digest: string; size: number; diffId: string }, createdBy: string) {
  const config = bytesSource(
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [layer.diffId] },
        history: [{ created_by: createdBy }],
      }),
    ),
  );
  await uploadBlob(repo, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.size },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer.digest, size: layer.size }],
  });
  const put = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    body: manifest,
    headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
  });
  if (put.status !== 201) throw new Error(`manifest PUT failed: ${put.status}`);
}

/** Pushes a gzip layer on disk as a one-layer OCI image. */
async function pushLayerImage(repo: string, tag: string, layerPath: string, createdBy: string): Promise<{ digest: string; size: number }> {
  const digest = await sha256Of(createReadStream(layerPath));
  const diffId = await sha256Of(createReadStream(layerPath).pipe(createGunzip()));
  const size = statSync(layerPath).size;
  await uploadBlob(repo, { stream: () => createReadStream(layerPath), size, digest });
  await pushOneLayerImage(repo, tag, { digest, size, diffId }, createdBy);
  return { digest, size };
}

/** Pushes the bench layer as a one-layer OCI image. */
const pushImage = (layerPath: string) => pushLayerImage(REPO, TAG, layerPath, "mmdebstrap bookworm build-essential default-jdk-headless golang-go");

/** The entry-heavy images' rows: 300 000 and 1 000 000 files, each on a fresh app. */
async function manyFilesRowsAll(profile = false, sizes = [300_000, 1_000_000]): Promise<[string, string, string, boolean | null][]> {
  const tools = {
    work: WORK,
    registry: REGISTRY,
    startApp: (options = {}) => startApp({ profile, ...options }),
    timed,
    pushLayer: pushLayerImage,
    cleanCache: (dir: string) => rmSync(dir, { recursive: true, force: true }),
  };
  const rows: [string, string, string, boolean | null][] = [];
  for (const files of sizes) rows.push(...manyFilesRows(await manyFilesFigures(tools, files)));
  return rows;
}

/** Two real Debian root filesystems of different shapes (the ones the compare tests use), pushed as images. */
async function pushComparePair(): Promise<[string, string]> {
  const refs: string[] = [];
  for (const variant of ["essential", "minbase"]) {
    const tar = debianRootfs(variant);
    const layer = bytesSource(gzipSync(tar, { level: 1 }));
    await uploadBlob(COMPARE_REPO, layer);
    const diffId = `sha256:${createHash("sha256").update(tar).digest("hex")}`;
    await pushOneLayerImage(COMPARE_REPO, variant, { digest: layer.digest, size: layer.size, diffId }, `mmdebstrap --variant=${variant}`);
    refs.push(`${REGISTRY}/${COMPARE_REPO}:${variant}`);
  }
  return refs as [string, string];
}

/** A small image (200 files in 2 layers), like most of what people look at: for the load run. */
async function pushSmallImage(): Promise<string> {
  const files = (layer: number) =>
    Array.from({ length: 100 }, (_, i) => ({ name: `srv/${layer}/file-${i}.txt`, content: `layer ${layer} file ${i}\n`.repeat(20) }));
  const image = await buildImage({
    format: "oci",
    layers: [{ entries: [{ name: "etc/debian_version", content: "12.8\n" }, ...files(0)] }, { entries: files(1) }],
  });
  for (const blob of [image.config, ...image.layers]) await uploadBlob(SMALL_REPO, bytesSource(blob.bytes));
  const put = await fetch(`http://${REGISTRY}/v2/${SMALL_REPO}/manifests/v1`, {
    method: "PUT",
    body: new Uint8Array(image.manifest.bytes),
    headers: { "content-type": image.mediaType },
  });
  if (put.status !== 201) throw new Error(`manifest PUT failed: ${put.status}`);
  return `${REGISTRY}/${SMALL_REPO}:v1`;
}

/** A comparison of two images: the first (listing both), then repeats from the cached indexes and merges. */
async function compareFigures(a: string, b: string) {
  const url = `http://127.0.0.1:${APP_PORT}/api/v1/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
  const time = async () => {
    const started = performance.now();
    const response = await fetch(url);
    const body = (await response.json()) as { a: { files: number }; b: { files: number }; changes: unknown[] };
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return { ms: performance.now() - started, body };
  };
  const first = await time();
  const repeats: number[] = [];
  for (let i = 0; i < 5; i++) repeats.push((await time()).ms);
  return { firstMs: first.ms, repeatMs: median(repeats), files: [first.body.a.files, first.body.b.files], changes: first.body.changes.length };
}

/**
 * /api/v1/packages on an image whose layer listings (and what they captured) are cached: the first
 * answer reads the captured databases and computes the inventory; repeats, with or without each
 * package's files, come from the per-image memo.
 */
async function packagesFigures(ref: string) {
  const time = async (files: boolean) => {
    const url = `http://127.0.0.1:${APP_PORT}/api/v1/packages?${new URLSearchParams({ ref, ...(files && { files: "1" }) })}`;
    const started = performance.now();
    const response = await fetch(url);
    const body = (await response.json()) as { packages: { files?: string[] }[] };
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return { ms: performance.now() - started, body };
  };
  const first = await time(false);
  const again: number[] = [];
  const withFiles: number[] = [];
  for (let i = 0; i < 5; i++) again.push((await time(false)).ms);
  for (let i = 0; i < 5; i++) withFiles.push((await time(true)).ms);
  const owned = (await time(true)).body.packages.reduce((sum, found) => sum + (found.files?.length ?? 0), 0);
  return { firstMs: first.ms, againMs: median(again), withFilesMs: median(withFiles), packages: first.body.packages.length, files: owned };
}

/**
 * 200 mixed requests at once on images whose layers are cached (image, fs, file, layer, changes),
 * spread over the servers at `bases` (one, or several instances): each one's latency, failures,
 * and the servers' peak RSS (together) meanwhile.
 */
async function loadRun(refs: string[], rssMb: () => number, bases = [`http://127.0.0.1:${APP_PORT}`]) {
  const targets = await Promise.all(
    refs.flatMap((ref) =>
      bases.map(async (base) => {
        const api = (path: string, params: Record<string, string>) => `${base}/api/v1/${path}?${new URLSearchParams(params)}`;
        const image = (await (await fetch(api("image", { ref }))).json()) as { layers: { digest: string }[] };
        return [
          api("image", { ref }),
          api("fs", { ref }),
          api("file", { ref, path: "/etc/debian_version" }),
          api("layer", { ref, digest: image.layers[0]?.digest ?? "" }),
          api("changes", { ref, layer: "0" }),
        ];
      }),
    ),
  );
  for (const url of targets.flat()) await fetch(url).then((r) => r.arrayBuffer()); // warm: every layer index and merge cached
  // One at a time (the median of 20 each): what a request costs with nothing else going on.
  const alone: Record<string, number> = {};
  for (const url of targets[0] ?? []) {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push((await timedGet(url)).ms);
    alone[new URL(url).pathname.split("/").at(-1) as string] = median(times);
  }
  const urls = Array.from({ length: 200 }, (_, i) => targets.flat()[i % targets.flat().length] as string);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 100);
  // A server that has been up a while runs code V8 has compiled hot; that takes a few thousand
  // requests. The first burst after a start (its p95 shown apart) and nine more warm it, then
  // five bursts are measured together.
  const firstBurst = await burst(urls);
  for (let i = 0; i < 9; i++) await burst(urls);
  const latencies: Latency[] = [];
  for (let i = 0; i < 5; i++) latencies.push(...(await burst(urls)));
  clearInterval(sampler);
  const endpoints = [...new Set(latencies.map((l) => l.endpoint))];
  const byEndpoint: Record<string, number> = Object.fromEntries(
    endpoints.map((name) => [name, p95(latencies.filter((l) => l.endpoint === name).map((l) => l.ms))]),
  );
  const failures = [...firstBurst, ...latencies].filter((l) => !l.ok).map((l) => `${l.endpoint} ${l.status}`);
  const all = latencies.map((l) => l.ms);
  return {
    requests: urls.length,
    failed: failures.length,
    failures,
    p95Ms: p95(all),
    maxMs: Math.max(...all),
    firstBurstP95Ms: p95(firstBurst.map((l) => l.ms)),
    byEndpoint,
    alone,
    peakRssMb: peak,
  };
}

interface Latency {
  endpoint: string;
  ms: number;
  ok: boolean;
  status: number;
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] as number;

/**
 * The load client: plain node:http over keep-alive connections, as a browser (or wrk) would hold
 * them, asking for gzip as browsers do; bodies are read to their last byte, not decompressed. It
 * shares the two cores with the server, so it is kept lighter than fetch.
 */
const loadAgent = new Agent({ keepAlive: true, maxSockets: 200 });

function timedGet(url: string): Promise<Latency> {
  const endpoint = new URL(url).pathname.split("/").at(-1) as string;
  const started = performance.now();
  return new Promise((resolve) => {
    const failed = () => resolve({ endpoint, ms: performance.now() - started, ok: false, status: 0 });
    httpGet(url, { agent: loadAgent, headers: { "accept-encoding": "gzip" } }, (response) => {
      response.on("data", () => {});
      response.on("end", () =>
        resolve({ endpoint, ms: performance.now() - started, ok: response.statusCode === 200, status: response.statusCode ?? 0 }),
      );
      response.on("error", failed);
    }).on("error", failed);
  });
}

/** Every URL at once: each request's endpoint, latency, and whether it succeeded. */
function burst(urls: string[]): Promise<Latency[]> {
  return Promise.all(urls.map(timedGet));
}

type LoadFigures = Awaited<ReturnType<typeof loadRun>>;

/** A load run's row: pooled p95 and max of the measured bursts, the first burst's p95, per endpoint, and one request at a time. */
function loadRow(images: string, load: LoadFigures, withGoal: boolean): [string, string, string, boolean] {
  const each = (figures: Record<string, number>, digits: number) =>
    Object.entries(figures)
      .map(([name, ms]) => `${name} ${ms.toFixed(digits)}`)
      .join(", ");
  return [
    `200 mixed requests at once, ${images}: p95 / max (5 bursts)`,
    `${load.p95Ms.toFixed(0)} / ${load.maxMs.toFixed(0)} ms, ${load.failed} failed, first burst after start p95 ${load.firstBurstP95Ms.toFixed(0)} ms, ` +
      `peak RSS ${load.peakRssMb.toFixed(0)} MB (p95 ${each(load.byEndpoint, 0)}; one at a time ${each(load.alone, 1)} ms)`,
    withGoal ? "p95 < 100 ms, none failed" : "none failed",
    load.failed === 0 && (!withGoal || load.p95Ms < 100),
  ];
}

interface AppOptions {
  /** Its cache folder: a fresh one unless given (a restart keeps its disk). */
  cacheDir?: string;
  /** A CPU profile to .bench/profile/. */
  profile?: boolean;
  port?: number;
  env?: Record<string, string>;
  /** The server's own flags (`--no-direct-lane`). */
  args?: string[];
}

/** The built server (`npm start`'s command), started fresh, and its process tree's RSS. */
async function startApp(options: AppOptions = {}) {
  const cacheDir = options.cacheDir ?? mkdtempSync(join(tmpdir(), "porthole-bench-cache-"));
  const port = options.port ?? APP_PORT;
  const url = `http://127.0.0.1:${port}`;
  const args = [
    ...(options.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(WORK, "profile")}`] : []),
    join(ROOT, "dist", "server.mjs"),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      PORTHOLE_ALLOW_PRIVATE_HOSTS: "1",
      // `--app-log`: the app's request log (one JSON line a request, with its duration) to .bench/app.log.
      PORTHOLE_QUIET_LOG: APP_LOG ? "0" : "1",
      // The bench is one client making hundreds of requests: its own rate limit is not what is measured.
      PORTHOLE_RATE_LIMIT_PER_MIN: "1000000",
      PORTHOLE_CACHE_DIR: cacheDir,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      ...options.env,
    },
    stdio: ["ignore", APP_LOG ? openSync(join(WORK, "app.log"), "a") : "ignore", "ignore"],
  });
  children.push(child);
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  const tree = () => {
    const pids = [child.pid as number];
    for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      try {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
        if (pids.includes(ppid)) pids.push(Number(entry));
      } catch {
        // gone
      }
    }
    return pids;
  };
  const rssMb = () =>
    tree().reduce((sum, pid) => {
      try {
        return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
      } catch {
        return sum;
      }
    }, 0);
  return {
    url,
    cacheDir,
    rssMb,
    async stop() {
      if (child.exitCode === null) await new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGINT")));
    },
  };
}

/** Streams an API response to its end: total time, time to the first NDJSON line, line count, peak RSS. */
async function timed(url: string, rssMb?: () => number) {
  let peak = 0;
  const sampler = rssMb ? setInterval(() => (peak = Math.max(peak, rssMb())), 50) : null;
  const started = performance.now();
  const response = await fetch(url);
  let first = 0;
  let lines = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!first) first = performance.now() - started;
    // Counted natively (as the baseline's `wc -l`): a JS loop over every byte would take a core from the server.
    for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) lines++;
  }
  const total = performance.now() - started;
  if (sampler) clearInterval(sampler);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { total, first, lines, peakRssMb: peak };
}

async function browserFigures(layerCount: number) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const started = performance.now();
    const fsDone = page.waitForResponse((r) => r.url().includes("/api/v1/fs?"), { timeout: 120_000 }).then(() => performance.now());
    await page.goto(`http://127.0.0.1:${APP_PORT}/image/${REF}`);
    await page.locator('[role=treeitem][data-path="/usr"]').waitFor({ timeout: 120_000 });
    const firstRows = performance.now() - started;
    const fsArrived = await fsDone;
    // Rows of the exact tree: the provisional banner is gone.
    await page.getByText("reading layers").waitFor({ state: "detached", timeout: 120_000 });
    const exactRows = performance.now() - fsArrived;
    // A glob filter opens every matching directory: tens of thousands of rows to scroll through.
    await page.getByLabel("Filter files").fill("/usr/**");
    await page.waitForTimeout(1000);
    const rows = Number(/(\d+) rows/.exec(await page.getByText(/\d+ rows match/).innerText())?.[1] ?? 0);
    // Frame intervals while scrolling, and while idle: headless Chromium paints in software, so the
    // idle cadence is the floor any page gets here.
    const frames = (scroll: boolean): Promise<number[]> =>
      page.evaluate(async (scrolling) => {
        const tree = document.querySelector("[role=tree]") as HTMLElement;
        const times: number[] = [];
        let last = performance.now();
        for (let i = 0; i < 300; i++) {
          if (scrolling) tree.scrollTop += 400;
          await new Promise((resolve) => requestAnimationFrame(resolve));
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        return times;
      }, scroll);
    const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] as number;
    const idle = await frames(false);
    const scrolling = await frames(true);
    return {
      firstRowsMs: firstRows,
      exactTreeAfterFsMs: exactRows,
      treeRowsAfterExpanding: rows,
      scrollFrameP95Ms: p95(scrolling),
      scrollFrameMaxMs: Math.max(...scrolling),
      idleFrameP95Ms: p95(idle),
      layerCount,
    };
  } finally {
    await browser.close();
  }
}

function randomAccessRows(figures: Awaited<ReturnType<typeof randomAccessFigures>>, blobBytes: number): [string, string, string, boolean | null][] {
  const rows: [string, string, string, boolean | null][] = [
    [
      "first listing via the counting proxy (also builds the seek index)",
      `${figures.listingMs.toFixed(0)} ms, ${(figures.listingBytes / 1e6).toFixed(0)} MB fetched`,
      "the blob once",
      figures.listingBytes < blobBytes * 1.01,
    ],
    [
      "seek index on disk / compressed layer",
      `${(figures.seekIndexBytes / 1e6).toFixed(2)} MB (${((figures.seekIndexBytes / blobBytes) * 100).toFixed(2)} %)`,
      "≤ 3 %",
      figures.seekIndexBytes > 0 && figures.seekIndexBytes / blobBytes <= 0.03,
    ],
  ];
  for (const view of ["layer", "merged"] as const) {
    const opens = figures[view];
    const label = view === "layer" ? "one layer's view" : "merged view";
    rows.push([
      `open a file (its first 2 MiB), 20 spread across the layer, ${label}: median / p95`,
      `${opens.medianMs.toFixed(0)} / ${opens.p95Ms.toFixed(0)} ms${opens.streamed ? ` (${opens.streamed} streamed)` : ""}`,
      "≤ 50 / ≤ 150 ms",
      opens.medianMs <= 50 && opens.p95Ms <= 150,
    ]);
    rows.push([
      `  fetched from the registry per open, ${label}: median / max`,
      `${opens.medianFetchedMiB.toFixed(1)} / ${opens.maxFetchedMiB.toFixed(1)} MiB`,
      "median ≤ 8 MiB",
      opens.medianFetchedMiB <= 8,
    ]);
  }
  return rows;
}

/** Prints the table; returns the machine line. */
/**
 * The small image's load, on a fresh server with the direct lane and on one without it (every
 * request through Next.js's router), one after the other in the same run: what the lane's second
 * code path buys.
 */
async function laneRows(smallRef: string, profile: boolean): Promise<[string, string, string, boolean][]> {
  const rows: [string, string, string, boolean][] = [];
  for (const [name, args] of [
    ["a small cached image", []],
    ["a small cached image, without the direct lane", ["--no-direct-lane"]],
  ] as const) {
    const app = await startApp({ profile, args: [...args] });
    rows.push(loadRow(name, await loadRun([smallRef], app.rssMb), args.length === 0));
    await app.stop();
    rmSync(app.cacheDir, { recursive: true, force: true });
  }
  return rows;
}

type ScaleOut = Awaited<ReturnType<typeof scaleOutFigures<LoadFigures>>>;

function scaleOutRows(figures: ScaleOut): [string, string, string, boolean | null][] {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return [
    [
      "cold listing: one instance alone / the first of three with the store (its uploads included)",
      `${ms(figures.coldAlone)} / ${ms(figures.coldWithStore)}`,
      "",
      null,
    ],
    [
      "layer listing: restarted on its own disk / an empty disk, from the store",
      `${ms(figures.layerFromDisk)} / ${ms(figures.layerFromStore)}`,
      "",
      null,
    ],
    ["merged tree: restarted on its own disk / an empty disk, from the store", `${ms(figures.fsFromDisk)} / ${ms(figures.fsFromStore)}`, "", null],
    loadRow("a small cached image, one instance with Redis (shared rate limits)", figures.loadOne, false),
    loadRow("a small cached image, spread over three instances with Redis", figures.loadThree, false),
  ];
}

function printRows(rows: [string, string, string, boolean | null][]): string {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`\nPorthole bench — ${new Date().toISOString()} — ${machine}\n`);
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [metric, value, goal, pass] of rows) {
    console.log(`${metric.padEnd(width)}  ${value.padEnd(34)}  ${goal.padEnd(14)}  ${pass === null ? "" : pass ? "pass" : "FAIL"}`);
  }
  return machine;
}

async function main() {
  const profile = process.argv.includes("--profile");
  execFileSync("mkdir", ["-p", WORK]);
  const layerPath = ensureLayer();
  if (!existsSync(join(ROOT, ".next", "BUILD_ID")) || !existsSync(join(ROOT, "dist", "server.mjs")))
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  await startRegistry();
  const { digest, size } = await pushImage(layerPath);
  const blobUrl = `http://${REGISTRY}/v2/${REPO}/blobs/${digest}`;
  const layerApi = `http://127.0.0.1:${APP_PORT}/api/v1/layer?ref=${encodeURIComponent(REF)}&digest=${digest}`;
  const fsApi = `http://127.0.0.1:${APP_PORT}/api/v1/fs?ref=${encodeURIComponent(REF)}`;

  const randomAccessOf = () =>
    randomAccessFigures({
      registry: { host: "127.0.0.1", port: Number(REGISTRY.split(":")[1]) },
      proxyPort: PROXY_PORT,
      repository: REPO,
      tag: TAG,
      digest,
      appUrl: `http://127.0.0.1:${APP_PORT}`,
      startApp: () => startApp(),
    });
  // A line of the link's file, read from the layer itself: what the viewer must show.
  const linkRowsOf = async () => {
    const file = execFileSync("tar", ["-xzOf", layerPath, "--occurrence=1", `.${LINK_PATH}`]).toString();
    const text = file.split("\n").find((line) => line.startsWith("VERSION_CODENAME="));
    if (!text) throw new Error(`no VERSION_CODENAME line in ${LINK_PATH}`);
    return linkRows(await linkFigures({ appUrl: `http://127.0.0.1:${APP_PORT}`, ref: REF, digest, path: LINK_PATH, text }), LINK_PATH);
  };
  // `npm run bench -- --links`: only shared links in Chromium beside the home page, on a fresh app warmed by a first load of each.
  if (process.argv.includes("--links")) {
    const app = await startApp();
    printRows(await linkRowsOf());
    await app.stop();
    rmSync(app.cacheDir, { recursive: true, force: true });
    cleanup();
    process.exit(0);
  }
  // `npm run bench -- --many-files [--files=N] [--profile]`: only the entry-heavy images (300 000 and 1 000 000 files).
  if (process.argv.includes("--many-files")) {
    const only = process.argv.find((arg) => /^--files=\d+$/.test(arg));
    printRows(await manyFilesRowsAll(profile, only ? [Number(only.slice(8))] : undefined));
    cleanup();
    process.exit(0);
  }
  // `npm run bench -- --load`: only the load runs on the small image (fresh apps, with and without the direct lane).
  if (process.argv.includes("--load")) {
    const small = await pushSmallImage();
    printRows(await laneRows(small, profile));
    cleanup();
    process.exit(0);
  }
  const scaleOutOf = async () =>
    scaleOutRows(await scaleOutFigures({ startApp, timed, loadRun }, { layerRef: REF, layerDigest: digest, smallRef: await pushSmallImage() }));
  // `npm run bench -- --scale`: only three instances over the shared store and Redis.
  if (process.argv.includes("--scale")) {
    printRows(await scaleOutOf());
    cleanup();
    process.exit(0);
  }
  // `npm run bench -- --random-access`: only the random-access rows (a minute, not ten).
  if (process.argv.includes("--random-access")) {
    const started = performance.now();
    execFileSync("bash", ["-c", PIPELINE(blobUrl)]);
    const baselineMs = performance.now() - started;
    const figures = await randomAccessOf();
    printRows([
      ["baseline curl | gzip -dc | tar -tv (one run)", `${baselineMs.toFixed(0)} ms`, "", null],
      [
        "first listing via the proxy / baseline",
        `${(figures.listingMs / baselineMs).toFixed(2)}×`,
        "≤ 1.15×",
        figures.listingMs / baselineMs <= 1.15,
      ],
      ...randomAccessRows(figures, size),
    ]);
    cleanup();
    process.exit(0);
  }

  const { times: baseline, entries: tarLines } = pipelineBaseline(blobUrl, RUNS);

  const cold: Awaited<ReturnType<typeof timed>>[] = [];
  let cached = 0;
  for (let i = 0; i < RUNS; i++) {
    const app = await startApp({ profile: profile && i === 0 });
    cold.push(await timed(layerApi, app.rssMb));
    if (i === RUNS - 1) cached = (await timed(layerApi)).total;
    await app.stop();
    rmSync(app.cacheDir, { recursive: true, force: true });
  }

  const randomAccess = await randomAccessOf();

  const fresh = await startApp();
  const fsCold = (await timed(fsApi, fresh.rssMb)).total;
  const fsHot = (await timed(fsApi)).total;
  await fresh.stop();
  const restarted = await startApp({ cacheDir: fresh.cacheDir });
  const fsFromDisk = (await timed(fsApi)).total;
  const packages = await packagesFigures(REF);
  const comparePair = await pushComparePair();
  const compare = await compareFigures(...comparePair);
  const comparePackages = [await packagesFigures(comparePair[0]), await packagesFigures(comparePair[1])] as const;
  const loadDebian = await loadRun(comparePair, restarted.rssMb);
  const browser = await browserFigures(1).catch((error) => ({ error: String(error) }));
  const links = await linkRowsOf().catch((error): [string, string, string, boolean][] => [["browser, links", String(error), "", false]]);
  await restarted.stop();
  const lanes = await laneRows(await pushSmallImage(), false);
  const manyFiles = await manyFilesRowsAll();
  const scaleOut = await scaleOutOf();
  rmSync(fresh.cacheDir, { recursive: true, force: true });

  const coldTotal = median(cold.map((c) => c.total));
  const base = median(baseline);
  const rows: [string, string, string, boolean | null][] = [
    ["layer (gzip blob)", `${(size / 1e6).toFixed(0)} MB, ${tarLines} entries`, "", null],
    ["baseline curl | gzip -dc | tar -tv", `${base.toFixed(0)} ms`, "", null],
    ["cold API listing (median of 3)", `${coldTotal.toFixed(0)} ms`, "", null],
    ["cold listing / baseline", `${(coldTotal / base).toFixed(2)}×`, "≤ 1.15×", coldTotal / base <= 1.15],
    ["time to first entry (median)", `${median(cold.map((c) => c.first)).toFixed(0)} ms`, "≤ 300 ms", median(cold.map((c) => c.first)) <= 300],
    ["entries listed", `${(cold[0]?.lines ?? 1) - 1}`, `${tarLines}`, (cold[0]?.lines ?? 0) - 1 === tarLines],
    ["cached listing", `${cached.toFixed(0)} ms (${((cached / coldTotal) * 100).toFixed(1)} % of cold)`, "≤ 5 % of cold", cached / coldTotal <= 0.05],
    [
      "server peak RSS during cold listing",
      `${Math.max(...cold.map((c) => c.peakRssMb)).toFixed(0)} MB`,
      "≤ 300 MB",
      Math.max(...cold.map((c) => c.peakRssMb)) <= 300,
    ],
    ...randomAccessRows(randomAccess, size),
    ["merged tree, cold (download + index + merge)", `${fsCold.toFixed(0)} ms`, "", null],
    ["merged tree, after restart (layer index on disk)", `${fsFromDisk.toFixed(0)} ms`, "", null],
    ["merged tree, hot (in memory)", `${fsHot.toFixed(0)} ms`, "", null],
    [
      "compare two Debian images, first (lists both)",
      `${compare.firstMs.toFixed(0)} ms (${compare.files.join(" vs ")} paths, ${compare.changes} changes)`,
      "",
      null,
    ],
    ["compare again (cached indexes and merges, median of 5)", `${compare.repeatMs.toFixed(0)} ms`, "< 1000 ms", compare.repeatMs < 1000],
    ...[packages, ...comparePackages].map((figures, i): [string, string, string, null] => [
      `packages, ${["toolchain image", "Debian essential", "Debian minbase"][i]}: first (listing cached) / again / with files`,
      `${figures.firstMs.toFixed(0)} / ${figures.againMs.toFixed(0)} / ${figures.withFilesMs.toFixed(0)} ms (${figures.packages} packages, ${figures.files} files)`,
      "",
      null,
    ]),
    ...lanes,
    ...manyFiles,
    loadRow("the cached Debian images", loadDebian, false),
    ...scaleOut,
  ];
  if ("error" in browser) rows.push(["browser", browser.error, "", false]);
  else {
    rows.push(["browser: first tree rows after navigation", `${browser.firstRowsMs.toFixed(0)} ms`, "", null]);
    rows.push([
      "browser: exact tree shown after /fs arrived",
      `${browser.exactTreeAfterFsMs.toFixed(0)} ms`,
      "≤ 1000 ms",
      browser.exactTreeAfterFsMs <= 1000,
    ]);
    rows.push(["browser: idle frame p95 (this machine's floor)", `${browser.idleFrameP95Ms.toFixed(1)} ms`, "", null]);
    rows.push([
      "browser: scroll frame p95 / max",
      `${browser.scrollFrameP95Ms.toFixed(1)} / ${browser.scrollFrameMaxMs.toFixed(1)} ms (${browser.treeRowsAfterExpanding} rows)`,
      "p95 ≤ idle + 4 ms",
      browser.scrollFrameP95Ms <= browser.idleFrameP95Ms + 4,
    ]);
  }
  rows.push(...links);
  const machine = printRows(rows);
  writeFileSync(
    join(WORK, "results.json"),
    JSON.stringify(
      { date: new Date().toISOString(), machine, rows, cold, baseline, browser, compare, packages, comparePackages, loadDebian },
      null,
      2,
    ),
  );
  cleanup();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  cleanup();
  process.exit(1);
});
