/**
 * The S3 store against a real S3 server: a Ceph RADOS Gateway of this file's own, on ports of its own, stopped at the end. Its
 * fault tests take the gateway away (SIGSTOP, then SIGKILL), so they run last.
 */
import { createHash, randomBytes } from "node:crypto";
import { connect, createServer, type Server } from "node:net";
import { Readable } from "node:stream";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { s3Store, StoreUnavailable, type ObjectStore } from "@/lib/store/s3-store";
import { cephClient, startCeph, type Ceph } from "../world/ceph";

const BUCKET = "porthole-test";
const PREFIX = "porthole/";

let ceph: Ceph;
let client: S3Client;
let store: ObjectStore;

const storeAt = (endpoint: string) => s3Store({ bucket: BUCKET, prefix: PREFIX, endpoint, forcePathStyle: true });

beforeAll(async () => {
  const started = performance.now();
  ceph = await startCeph({ rgwPort: 17480, monPortV2: 13300, monPortV1: 16789, buckets: [BUCKET] });
  console.log(`Ceph up in ${Math.round(performance.now() - started)} ms`);
  client = cephClient(ceph);
  // The store takes its credentials from the SDK's default chain, as in production.
  vi.stubEnv("AWS_ACCESS_KEY_ID", ceph.accessKey);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", ceph.secretKey);
  vi.stubEnv("AWS_REGION", ceph.region);
  store = storeAt(ceph.endpoint);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  client?.destroy();
  await ceph?.stop();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const freshKey = (kind: string) => `${kind}:v1:sha256:${randomBytes(32).toString("hex")}`;

async function put(key: string, bytes: Buffer): Promise<"created" | "exists"> {
  return store.putIfAbsent(key, () => Readable.from([bytes]), bytes.length, sha256(bytes));
}

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** get, putIfAbsent and ping each reject with StoreUnavailable within 3 s, naming no secret. */
async function expectEveryCallFailsFast(unreachable: ObjectStore): Promise<void> {
  const bytes = randomBytes(10);
  for (const work of [
    () => unreachable.get(freshKey("away")),
    () => unreachable.putIfAbsent(freshKey("away"), () => Readable.from([bytes]), 10, sha256(bytes)),
    () => unreachable.ping(),
  ]) {
    const { ms, error } = await timed(work);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).not.toContain(ceph.secretKey);
    expect(ms).toBeLessThan(3_000);
  }
}

/** How long `work` took to settle, and its rejection (undefined if it resolved). */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await work().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { ms: performance.now() - started, error };
}

const CHUNK = 1024 ** 2;

/** `size` bytes of a pattern drawn from `seed`, made as they are read: never all in memory. */
function pattern(seed: string, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < size; offset += CHUNK) {
        yield Buffer.alloc(Math.min(CHUNK, size - offset), createHash("sha256").update(`${seed}:${offset}`).digest());
      }
    })(),
  );
}

async function streamedSha256(body: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

describe("the S3 store against Ceph", () => {
  it("gives back what was put: bytes, size and sha256; a missing key is null", async () => {
    const key = freshKey("round-trip");
    const bytes = randomBytes(1000);
    expect(await put(key, bytes)).toBe("created");
    const object = await store.get(key);
    expect(object).toMatchObject({ size: 1000, sha256: sha256(bytes) });
    expect((await bytesOf(object!.body)).equals(bytes)).toBe(true);
    expect(await store.get(freshKey("round-trip"))).toBeNull();
  });

  it("creates an object only once: a second put is 'exists' and the first content stays", async () => {
    const key = freshKey("conditional");
    const first = randomBytes(100);
    expect(await put(key, first)).toBe("created");
    expect(await put(key, randomBytes(200))).toBe("exists");
    const object = await store.get(key);
    expect(object).toMatchObject({ size: 100, sha256: sha256(first) });
    expect((await bytesOf(object!.body)).equals(first)).toBe(true);
  });

  it("lets exactly one of 8 racing writers create a fresh key, and keeps that one's content", async () => {
    const key = freshKey("race");
    const contents = Array.from({ length: 8 }, () => randomBytes(64 * 1024));
    const results = await Promise.all(contents.map((bytes) => put(key, bytes)));
    expect(results.filter((result) => result === "created")).toHaveLength(1);
    expect(results.filter((result) => result === "exists")).toHaveLength(7);
    const winner = contents[results.indexOf("created")]!;
    const object = await store.get(key);
    expect(object?.sha256).toBe(sha256(winner));
    expect((await bytesOf(object!.body)).equals(winner)).toBe(true);
  });

  it("streams a 64 MiB object in and out", async () => {
    const key = freshKey("large");
    const size = 64 * CHUNK;
    const { sha256: digest } = await streamedSha256(pattern(key, size));
    expect(await store.putIfAbsent(key, () => pattern(key, size), size, digest)).toBe("created");
    const object = await store.get(key);
    expect(object).toMatchObject({ size, sha256: digest });
    expect(await streamedSha256(object!.body)).toEqual({ sha256: digest, bytes: size });
  });

  it("removes an object; removing a missing one is no error", async () => {
    const key = freshKey("remove");
    await put(key, randomBytes(10));
    await store.remove(key);
    expect(await store.get(key)).toBeNull();
    await expect(store.remove(key)).resolves.toBeUndefined();
  });

  it("lays the objects out under the prefix, one folder per part of the key", async () => {
    const hex = randomBytes(32).toString("hex");
    await put(`layer-index:v4:sha256:${hex}`, randomBytes(10));
    await put(`manifest:v2:sha256:${hex}`, randomBytes(10));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX, Delimiter: "/" }));
    expect(listed.CommonPrefixes?.map((common) => common.Prefix)).toEqual(expect.arrayContaining(["porthole/layer-index/", "porthole/manifest/"]));
    const layers = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "porthole/layer-index/" }));
    expect(layers.Contents?.map((object) => object.Key)).toEqual([`porthole/layer-index/v4/sha256/${hex}`]);
    const written = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `porthole/manifest/v2/sha256/${hex}` }));
    expect(written.KeyCount).toBe(1);
  });

  it("refuses keys that are not cache keys, as a bug (not as the store being down)", async () => {
    for (const key of ["Manifest:v1", "a::b", "a/b", "../a", ":a", "a:", "", "a b"]) {
      const { error } = await timed(() => store.get(key));
      expect(error, key).toBeInstanceOf(Error);
      expect(error, key).not.toBeInstanceOf(StoreUnavailable);
      expect((error as Error).message).toMatch(/not a cache key/);
    }
  });

  it("throws a failing source's own error, creating nothing", async () => {
    const key = freshKey("broken-source");
    const broken = () =>
      Readable.from(
        (async function* () {
          yield randomBytes(1024);
          throw new Error("the disk broke");
        })(),
      );
    await expect(store.putIfAbsent(key, broken, 1_000_000, "0".repeat(64))).rejects.toThrow("the disk broke");
    expect(await store.get(key)).toBeNull();
  });

  it("puts again, with a fresh body, when the first attempt's connection breaks", async () => {
    const proxy = await resetFirstConnection(Number(new URL(ceph.endpoint).port));
    try {
      const flaky = storeAt(`http://127.0.0.1:${(proxy.address() as { port: number }).port}`);
      const key = freshKey("retried");
      const bytes = randomBytes(1000);
      const body = vi.fn(() => Readable.from([bytes]));
      expect(await flaky.putIfAbsent(key, body, bytes.length, sha256(bytes))).toBe("created");
      expect(body).toHaveBeenCalledTimes(2);
      expect((await bytesOf((await store.get(key))!.body)).equals(bytes)).toBe(true);
    } finally {
      proxy.close();
    }
  });

  it("falls back to us-east-1 when the SDK's chain names no region", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    vi.stubEnv("AWS_CONFIG_FILE", `/nonexistent-${randomBytes(4).toString("hex")}`);
    try {
      await expect(storeAt(ceph.endpoint).ping()).resolves.toBeUndefined();
    } finally {
      vi.stubEnv("AWS_REGION", ceph.region);
    }
  });

  it("answers the ping of a bucket that is there, and refuses one that is not", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    const missing = s3Store({ bucket: "no-such-bucket", prefix: PREFIX, endpoint: ceph.endpoint, forcePathStyle: true });
    await expect(missing.ping()).rejects.toThrow(StoreUnavailable);
    await expect(missing.get(freshKey("nowhere"))).rejects.toThrow(StoreUnavailable);
  });

  it("fails fast, as StoreUnavailable, when nothing listens at the endpoint", async () => {
    await expectEveryCallFailsFast(storeAt(`http://127.0.0.1:${await closedPort()}`));
  });

  describe("when the gateway goes away", () => {
    it("gives up on a gateway that hangs within the idle timeout, mid-body too, and works again once it answers", async () => {
      const key = freshKey("hang");
      const size = 32 * CHUNK;
      const { sha256: digest } = await streamedSha256(pattern(key, size));
      await store.putIfAbsent(key, () => pattern(key, size), size, digest);
      const object = await store.get(key);
      const pid = ceph.rgwPid();
      process.kill(pid, "SIGSTOP");
      try {
        const stalled = await timed(() => bytesOf(object!.body));
        expect(stalled.error).toBeInstanceOf(Error);
        expect(stalled.ms).toBeLessThan(8_000);
        const hung = await timed(() => store.ping());
        expect(hung.error).toBeInstanceOf(StoreUnavailable);
        expect(hung.ms).toBeLessThan(13_000); // two attempts of 5 s idle each
      } finally {
        process.kill(pid, "SIGCONT");
      }
      expect((await store.get(key))?.sha256).toBe(digest);
    }, 30_000);

    it("fails fast, as StoreUnavailable, once the gateway is killed", async () => {
      process.kill(ceph.rgwPid(), "SIGKILL");
      await expectEveryCallFailsFast(store);
    });
  });
});

/** A TCP proxy to `port` on loopback whose first connection is reset at once, as a keep-alive connection the server just closed. */
async function resetFirstConnection(port: number): Promise<Server> {
  let first = true;
  const proxy = createServer((socket) => {
    if (first) {
      first = false;
      socket.resetAndDestroy();
      return;
    }
    const upstream = connect(port, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    const end = () => [socket, upstream].forEach((side) => side.destroy());
    socket.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return proxy;
}

/** A loopback port nothing listens on (one the system just handed out and took back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
