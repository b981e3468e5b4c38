/**
 * Porthole as three instances over a shared store (Ceph's RADOS Gateway) and Redis, measured side
 * by side with one instance on its local disk alone: what a miss on the local disk costs when the
 * store has the answer (against a hit on the disk, after a restart: the first request each time),
 * and the mixed load on one instance with Redis and spread over three, on the same two cores.
 */
import { rmSync } from "node:fs";
import { sharedPartsSettings } from "../../tests/world/app";
import { startCeph } from "../../tests/world/ceph";
import { startRedis } from "../../tests/world/redis";

const BUCKET = "porthole-bench";
const PORTS = [3201, 3202, 3203];

interface App {
  url: string;
  cacheDir: string;
  rssMb: () => number;
  stop(): Promise<void>;
}

interface Timed {
  total: number;
}

export interface ScaleOutTools<Load> {
  startApp: (options: { port: number; env: Record<string, string>; cacheDir?: string }) => Promise<App>;
  timed: (url: string) => Promise<Timed>;
  loadRun: (refs: string[], rssMb: () => number, bases: string[]) => Promise<Load>;
}

export async function scaleOutFigures<Load>(tools: ScaleOutTools<Load>, images: { layerRef: string; layerDigest: string; smallRef: string }) {
  const [ceph, redis] = await Promise.all([startCeph({ rgwPort: 17482, monPortV2: 13302, monPortV1: 16791, buckets: [BUCKET] }), startRedis(16482)]);
  const env = sharedPartsSettings(ceph, BUCKET, redis.url);
  const apps: App[] = [];
  try {
    const ref = encodeURIComponent(images.layerRef);
    const layer = (app: App) => `${app.url}/api/v1/layer?ref=${ref}&digest=${images.layerDigest}`;
    const fs = (app: App) => `${app.url}/api/v1/fs?ref=${ref}`;
    const alone = await aloneFigures(tools, layer, fs);
    for (const port of PORTS) apps.push(await tools.startApp({ port, env }));
    const [a, b, c] = apps as [App, App, App];
    // The first instance lists the layer from the registry and puts what it made in the store.
    const coldWithStore = (await tools.timed(layer(a))).total;
    const layerFromStore = (await tools.timed(layer(b))).total;
    const fsFromStore = (await tools.timed(fs(c))).total;
    const rssMb = () => apps.reduce((sum, app) => sum + app.rssMb(), 0);
    const loadOne = await tools.loadRun([images.smallRef], a.rssMb, [a.url]);
    const loadThree = await tools.loadRun(
      [images.smallRef],
      rssMb,
      apps.map((app) => app.url),
    );
    return { ...alone, coldWithStore, layerFromStore, fsFromStore, loadOne, loadThree };
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([ceph.stop(), redis.stop()]);
  }
}

/** The same steps on one instance with its local disk alone: the cold listing, and after a restart the listing and merged tree from its disk. */
async function aloneFigures<Load>(tools: ScaleOutTools<Load>, layer: (app: App) => string, fs: (app: App) => string) {
  const port = PORTS[0] as number;
  const first = await tools.startApp({ port, env: {} });
  const coldAlone = (await tools.timed(layer(first))).total;
  await first.stop();
  const restarted = await tools.startApp({ port, env: {}, cacheDir: first.cacheDir });
  try {
    const layerFromDisk = (await tools.timed(layer(restarted))).total;
    const fsFromDisk = (await tools.timed(fs(restarted))).total;
    return { coldAlone, layerFromDisk, fsFromDisk };
  } finally {
    await restarted.stop();
    rmSync(first.cacheDir, { recursive: true, force: true });
  }
}
