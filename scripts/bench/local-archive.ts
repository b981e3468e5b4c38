/**
 * `npx tsx scripts/bench/local-archive.ts`: a large `docker save` archive opened in Chromium, read
 * by the page's Web Worker (nothing uploaded). Writes a docker-archive holding the bench's 1.2 GB
 * root filesystem as a plain layer (built by `npm run bench` into .bench/), starts the built app,
 * opens the archive from the home page and reports the time until every layer was read and the
 * tree shown, and the peak RSS of Chromium's processes meanwhile (the whole browser, sampled).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { chromium } from "playwright-core";

const ROOT = join(import.meta.dirname, "..", "..");
const WORK = join(ROOT, ".bench");
const PORT = 3201;

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** .bench/rootfs.docker.tar: manifest.json, the config and the root filesystem as `<diff_id>/layer.tar`. */
async function writeArchive(): Promise<string> {
  const archive = join(WORK, "rootfs.docker.tar");
  if (existsSync(archive)) return archive;
  const layer = join(WORK, "rootfs.tar");
  const diffId = await sha256File(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [`sha256:${diffId}`] },
      history: [{ created_by: "mmdebstrap" }],
    }),
  );
  const configName = `${createHash("sha256").update(config).digest("hex")}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ["bench/rootfs:v1"], Layers: [`${diffId}/layer.tar`] }]));
  const pack = tar.pack();
  const written = pipeline(pack, createWriteStream(`${archive}.part`));
  pack.entry({ name: configName }, config);
  const entry = pack.entry({ name: `${diffId}/layer.tar`, size: statSync(layer).size });
  await pipeline(createReadStream(layer), entry);
  pack.entry({ name: "manifest.json" }, manifest);
  pack.finalize();
  await written;
  await import("node:fs/promises").then((fs) => fs.rename(`${archive}.part`, archive));
  return archive;
}

/** The summed RSS (MB) of every Chromium process, and of the largest one. */
function chromiumRss(): { total: number; largest: number } {
  let total = 0;
  let largest = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("chromium")) continue;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
      total += rss;
      largest = Math.max(largest, rss);
    } catch {
      // gone
    }
  }
  return { total, largest };
}

async function main() {
  const archive = await writeArchive();
  const app = spawn(process.execPath, [join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-H", "127.0.0.1", "-p", String(PORT)], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORTHOLE_QUIET_LOG: "1" },
    stdio: "ignore",
  });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    for (
      let i = 0;
      i < 100 &&
      !(await fetch(`http://127.0.0.1:${PORT}/api/health`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/`);
    let peak = { total: 0, largest: 0 };
    const sampler = setInterval(() => {
      const now = chromiumRss();
      peak = { total: Math.max(peak.total, now.total), largest: Math.max(peak.largest, now.largest) };
    }, 200);
    const started = performance.now();
    await page.getByLabel("Image archive").setInputFiles(archive);
    await page.waitForURL("**/local/**");
    await page.getByTestId("figure-efficiency").waitFor({ timeout: 600_000 });
    // Each layer's row says "reading" or "queued" until the worker has read it.
    const busy = () =>
      page
        .getByRole("status")
        .filter({ hasText: /reading|queued/ })
        .count();
    while ((await busy()) > 0) await new Promise((r) => setTimeout(r, 200));
    const ms = performance.now() - started;
    clearInterval(sampler);
    const rows = await page.locator("[role=treeitem]").count();
    console.log(
      `archive ${(statSync(archive).size / 1e9).toFixed(2)} GB: read and shown in ${(ms / 1000).toFixed(1)} s (${(statSync(archive).size / 1e6 / (ms / 1000)).toFixed(0)} MB/s), ${rows} tree rows`,
    );
    console.log(`Chromium peak RSS: ${peak.total.toFixed(0)} MB all processes, ${peak.largest.toFixed(0)} MB the largest`);
  } finally {
    await browser.close();
    app.kill("SIGKILL");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
