/**
 * Porthole as several stateless instances: three built servers started as a user would
 * (`PORT=… npm start`), over a real S3 store (Ceph's RADOS Gateway), a real Redis (Debian's
 * redis-server) and the test world's registry. A tap in front of the registry counts blob
 * downloads and can hold one mid-way, the one thing the registry cannot be made to do.
 */
import { randomBytes } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getFrom } from "@/tests/support/get-from";
import { registryTap, type RegistryTap } from "@/tests/support/registry-tap";
import { sharedPartsSettings, startApp, type RunningApp } from "@/tests/world/app";
import { cephClient, startCeph, type Ceph } from "@/tests/world/ceph";
import { BASIC_REGISTRY, OPEN_REGISTRY, TEST_USER } from "@/tests/world/config";
import { pushSingle, type PushedFixture } from "@/tests/world/fixtures";
import { startRedis, type RedisServer } from "@/tests/world/redis";

const BUCKET = "porthole-scale-out";
const REDIS_PORT = 16480;
const PORTS = [3171, 3172, 3173];
const SPARE_PORT = 3174;
/** Each client's budget: low enough to run out in a test, high enough for the others. */
const RATE_LIMIT = 60;

let ceph: Ceph;
let s3: S3Client;
let redis: RedisServer;
let tap: RegistryTap;
let instances: RunningApp[] = [];

const settingsFor = () => ({ ...sharedPartsSettings(ceph, BUCKET, redis.url), PORTHOLE_RATE_LIMIT_PER_MIN: String(RATE_LIMIT) });

const startInstance = (port: number) => startApp(`http://127.0.0.1:${port}`, settingsFor());
const startAll = () => Promise.all(PORTS.map(startInstance));

/** A GET from a chosen loopback address: each test is its own client, with its own rate budget. */
const get = (url: string, from: string) => getFrom(url, { from });

/** A new image (never seen by any instance) of `layers` layers, each 1.5 MB of incompressible files. */
async function freshImage(name: string, layers = 1): Promise<PushedFixture> {
  const layer = (n: number) => ({
    entries: Array.from({ length: 6 }, (_, i) => ({ name: `data/${n}/${i}.bin`, content: randomBytes(256 * 1024) })),
  });
  return pushSingle(OPEN_REGISTRY, `scale/${name}`, "v1", { format: "oci", layers: Array.from({ length: layers }, (_, n) => layer(n)) });
}

/** The image as the instances reach it: through the tap. */
const refOf = (image: PushedFixture) => encodeURIComponent(`${tap.host}/${image.repository}:${image.tag}`);
const layersOf = (image: PushedFixture) => image.images[0]?.layers.map((layer) => layer.digest) ?? [];
const blobPath = (image: PushedFixture, digest: string) => `/v2/${image.repository}/blobs/${digest}`;
const blobGets = (image: PushedFixture) => layersOf(image).reduce((sum, digest) => sum + tap.count("GET", blobPath(image, digest)), 0);
const layerUrl = (app: RunningApp, image: PushedFixture, digest: string) => `${app.url}/api/v1/layer?ref=${refOf(image)}&digest=${digest}`;
const lastLine = (body: string) => JSON.parse(body.trim().split("\n").at(-1) as string);

async function health(app: RunningApp): Promise<{ status: string; store: string; redis: string }> {
  return (await fetch(`${app.url}/api/health`)).json();
}

/** Waits until every instance's health says `expected` (the parts notice on their own, within seconds). */
async function healthBecomes(expected: { status: string; store: string; redis: string }): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seen = await Promise.all(instances.map(health));
    if (seen.every((each) => each.status === expected.status && each.store === expected.store && each.redis === expected.redis)) return;
    if (Date.now() > deadline) expect(seen).toEqual(instances.map(() => expect.objectContaining(expected)));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  [ceph, redis, tap] = await Promise.all([
    startCeph({ rgwPort: 17481, monPortV2: 13301, monPortV1: 16790, buckets: [BUCKET] }),
    startRedis(REDIS_PORT),
    registryTap(OPEN_REGISTRY),
  ]);
  s3 = cephClient(ceph);
  instances = await startAll();
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((app) => app.stop()));
  s3?.destroy();
  await Promise.all([ceph?.stop(), redis?.stop(), tap?.close()]);
});

describe("several instances over one store and one Redis", () => {
  it("says all is well when the store and Redis answer", async () => {
    for (const app of instances) expect(await health(app)).toMatchObject({ status: "ok", store: "ok", redis: "ok" });
  });

  it("lists a fresh layer once: 30 requests at once over three instances make one registry download and get one answer", async () => {
    const image = await freshImage("one-flight");
    const [digest] = layersOf(image) as [string];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => get(layerUrl(instances[i % 3] as RunningApp, image, digest), "127.0.0.2")),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(lastLine(answers[0]?.body ?? "")).toEqual({ done: true, entries: expect.any(Number) });
    for (const answer of answers) expect(answer.body).toBe(answers[0]?.body);
    expect(tap.count("GET", blobPath(image, digest))).toBe(1);
  });

  it("serves an image to instances restarted on empty disks from the store, with no registry download", async () => {
    const image = await freshImage("restart", 2);
    const ref = refOf(image);
    const before = await get(`${instances[0]?.url}/api/v1/fs?ref=${ref}`, "127.0.0.3");
    expect(before.status).toBe(200);
    const directory = await get(`${instances[1]?.url}/api/v1/dir?ref=${ref}&path=/`, "127.0.0.3");
    expect(instances[1]?.output()).toMatch(/"treeIndex":"built"/);
    const layers = await Promise.all(layersOf(image).map((digest) => get(layerUrl(instances[1] as RunningApp, image, digest), "127.0.0.3")));
    const downloads = blobGets(image);
    expect(downloads).toBe(2);

    await Promise.all(instances.map((app) => app.stop())); // each instance's disk goes with it
    instances = await startAll();
    for (const app of instances) {
      expect((await get(`${app.url}/api/v1/fs?ref=${ref}`, "127.0.0.3")).body).toBe(before.body);
      expect((await get(`${app.url}/api/v1/packages?ref=${ref}`, "127.0.0.3")).status).toBe(200);
      expect((await get(`${app.url}/api/v1/changes?ref=${ref}&layer=1`, "127.0.0.3")).status).toBe(200);
      // The merged tree's index made before the restart is read from the store, not made again.
      expect((await get(`${app.url}/api/v1/dir?ref=${ref}&path=/`, "127.0.0.3")).body).toBe(directory.body);
      expect(app.output()).not.toMatch(/"treeIndex":"built"/);
    }
    const again = await Promise.all(layersOf(image).map((digest) => get(layerUrl(instances[2] as RunningApp, image, digest), "127.0.0.3")));
    expect(again.map((answer) => answer.body)).toEqual(layers.map((answer) => answer.body));
    expect(blobGets(image)).toBe(downloads);
  }, 90_000);

  it("finishes a listing on another instance when the one downloading it is killed mid-way", async () => {
    const image = await freshImage("owner-dies");
    const [digest] = layersOf(image) as [string];
    const held = tap.hold(blobPath(image, digest));
    const owner = instances[0] as RunningApp;
    const ownersAnswer = get(layerUrl(owner, image, digest), "127.0.0.4").catch(() => null);
    await held.started; // the first instance holds the lease and its download is under way
    const waiting = [1, 2].map((i) => get(layerUrl(instances[i] as RunningApp, image, digest), "127.0.0.4"));
    const exited = new Promise<void>((resolve) => owner.child.once("exit", () => resolve()));
    owner.child.kill("SIGKILL");
    await exited;
    held.release();
    const [b, c] = await Promise.all(waiting);
    expect([b?.status, c?.status]).toEqual([200, 200]);
    expect(lastLine(b?.body ?? "")).toMatchObject({ done: true });
    expect(c?.body).toBe(b?.body);
    expect(tap.count("GET", blobPath(image, digest))).toBe(2);
    await ownersAnswer;
    await owner.stop();
    instances[0] = await startInstance(PORTS[0] as number);
  }, 60_000);

  it("never serves an object damaged in the store: it is dropped, and the listing made again from the registry", async () => {
    const image = await freshImage("damaged", 2);
    const [flipped, truncated] = layersOf(image) as [string, string];
    const good = await Promise.all([flipped, truncated].map((digest) => get(layerUrl(instances[0] as RunningApp, image, digest), "127.0.0.5")));
    const objectKey = (digest: string) => `porthole/layer-index/v4/${digest.replace(":", "/")}`;
    const stored = async (digest: string) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey(digest) }));
      return { bytes: Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array())), metadata: object.Metadata };
    };
    const damage = async (digest: string, bytes: (good: Buffer) => Buffer) => {
      const { bytes: original, metadata } = await stored(digest);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: objectKey(digest), Body: bytes(original), Metadata: metadata }));
      return original;
    };
    const originals = [
      await damage(flipped, (bytes) => Buffer.concat([bytes.subarray(0, 100), Buffer.from([(bytes[100] as number) ^ 1]), bytes.subarray(101)])),
      await damage(truncated, (bytes) => bytes.subarray(0, bytes.length - 300)),
    ];
    const downloads = blobGets(image);

    const fresh = await startInstance(SPARE_PORT); // an empty disk: the store is all it has
    try {
      const served = await Promise.all([flipped, truncated].map((digest) => get(layerUrl(fresh, image, digest), "127.0.0.5")));
      expect(served.map((answer) => answer.body)).toEqual(good.map((answer) => answer.body));
      expect(blobGets(image)).toBe(downloads + 2);
      expect(fresh.output().match(/removed a damaged object/g)).toHaveLength(2);
      // Made again, the store holds whole copies again.
      for (const [i, digest] of [flipped, truncated].entries()) expect((await stored(digest)).bytes.equals(originals[i] as Buffer)).toBe(true);
    } finally {
      await fresh.stop();
    }
  }, 60_000);

  it("gives each client one rate budget across the instances", async () => {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: RATE_LIMIT * 1.5 }, (_, i) => get(`${instances[i % 3]?.url}/api/v1/session`, "127.0.0.6").then((answer) => answer.status)),
    );
    // The bucket refills one request a second (60 a minute): those that came in meanwhile may pass too.
    const refilled = Math.ceil((Date.now() - started) / 1000);
    const passed = answers.filter((status) => status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(RATE_LIMIT);
    expect(passed).toBeLessThanOrEqual(RATE_LIMIT + refilled);
    expect(answers.filter((status) => status === 429)).toHaveLength(answers.length - passed);
    // Every instance turned some away: one budget, not three.
    for (const [i, app] of instances.entries()) expect((await get(`${app.url}/api/v1/session`, "127.0.0.6")).status, `instance ${i}`).toBe(429);
  });

  it("opens a session signed in on one instance on every other, and shares no private data without one", async () => {
    const signIn = await fetch(`${instances[0]?.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ registry: BASIC_REGISTRY, ...TEST_USER }),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
    for (const app of instances.slice(1)) {
      const listed = await (await fetch(`${app.url}/api/v1/session`, { headers: { cookie } })).json();
      expect(listed.registries).toEqual([BASIC_REGISTRY]);
    }
    // A private layer listed by one instance is in the store; another serves it only to a requester the registry lets in.
    const { ref, images } = inject("fixtures").basicPrivate;
    const url = (app: RunningApp) => `${app.url}/api/v1/layer?ref=${encodeURIComponent(ref)}&digest=${images[0]?.layers[0]?.digest}`;
    const listed = await getFrom(url(instances[0] as RunningApp), { from: "127.0.0.9", headers: { cookie } });
    expect(lastLine(listed.body)).toMatchObject({ done: true });
    expect((await getFrom(url(instances[1] as RunningApp), { from: "127.0.0.9" })).status).toBe(401);
    expect((await getFrom(url(instances[1] as RunningApp), { from: "127.0.0.9", headers: { cookie } })).body).toBe(listed.body);
  });
});

describe("losing a shared part degrades the service and never breaks it", () => {
  /** Every instance answers the image's merged tree and each layer's listing, whole. */
  async function everyInstanceAnswers(image: PushedFixture, from: string): Promise<void> {
    for (const app of instances) {
      const fs = await get(`${app.url}/api/v1/fs?ref=${refOf(image)}`, from);
      expect(fs.status, app.url).toBe(200);
      for (const digest of layersOf(image)) expect(lastLine((await get(layerUrl(app, image, digest), from)).body)).toMatchObject({ done: true });
    }
  }

  it("with Redis down: every request answered, health degraded, the outage logged once per instance; back when Redis is", async () => {
    const known = await freshImage("before-redis-down");
    await everyInstanceAnswers(known, "127.0.0.7");
    await redis.kill();
    await healthBecomes({ status: "degraded", store: "ok", redis: "down" });
    await everyInstanceAnswers(known, "127.0.0.7");
    await everyInstanceAnswers(await freshImage("while-redis-down"), "127.0.0.7");
    for (const app of instances) expect(app.output().match(/"redis":"down"/g), app.url).toHaveLength(1);
    redis = await startRedis(REDIS_PORT);
    await healthBecomes({ status: "ok", store: "ok", redis: "ok" });
  }, 60_000);

  it("with the store down, then both down: every request answered, health degraded", async () => {
    const known = await freshImage("before-store-down");
    await everyInstanceAnswers(known, "127.0.0.8");
    process.kill(ceph.rgwPid(), "SIGKILL");
    await healthBecomes({ status: "degraded", store: "down", redis: "ok" });
    await everyInstanceAnswers(known, "127.0.0.8");
    await everyInstanceAnswers(await freshImage("while-store-down"), "127.0.0.8");
    await redis.kill();
    await healthBecomes({ status: "degraded", store: "down", redis: "down" });
    await everyInstanceAnswers(known, "127.0.0.8");
    await everyInstanceAnswers(await freshImage("while-both-down"), "127.0.0.8");
    for (const app of instances) expect(app.output().match(/"store":"down"/g), app.url).toHaveLength(1);
  }, 90_000);
});
