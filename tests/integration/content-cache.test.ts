/**
 * The content cache as instances share it: each its own disk, in front of one real S3 store (a Ceph
 * RADOS Gateway of this file's own). What one instance puts, another reads from the store; what is
 * damaged in the store is never read; a store that goes away costs speed, never an answer.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Availability } from "@/lib/availability";
import { ContentCache, StoreLink } from "@/lib/cache/content-cache";
import { DiskCache } from "@/lib/cache/disk-cache";
import { s3Store } from "@/lib/store/s3-store";
import { cephClient, startCeph, type Ceph } from "../world/ceph";

const BUCKET = "porthole-content-cache";
const PREFIX = "porthole/";

let ceph: Ceph;
let client: S3Client;
const folders: string[] = [];

beforeAll(async () => {
  ceph = await startCeph({ rgwPort: 17483, monPortV2: 13303, monPortV1: 16792, buckets: [BUCKET] });
  client = cephClient(ceph);
  vi.stubEnv("AWS_ACCESS_KEY_ID", ceph.accessKey);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", ceph.secretKey);
  vi.stubEnv("AWS_REGION", ceph.region);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  client?.destroy();
  await ceph?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** One instance's cache: a disk of its own, the shared store; and what it logged. */
function instance(endpoint = ceph.endpoint) {
  const folder = mkdtempSync(join(tmpdir(), "porthole-content-cache-"));
  folders.push(folder);
  const log: string[] = [];
  const store = s3Store({ bucket: BUCKET, prefix: PREFIX, endpoint, forcePathStyle: true });
  const link = new StoreLink(store, new Availability("store", (line) => log.push(line)));
  return { cache: new ContentCache(new DiskCache(folder, 1 << 30), link), link, log };
}

const freshKey = () => `layer-index:v4:sha256:${randomBytes(32).toString("hex")}`;
const objectKey = (key: string) => PREFIX + key.replaceAll(":", "/");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function storedBytes(key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey(key) }));
  return Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()));
}

async function inStore(key: string): Promise<boolean> {
  return client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: objectKey(key) })).then(
    () => true,
    () => false,
  );
}

describe("ContentCache over a shared store", () => {
  it("gives another instance what one put, from the store, then from its own disk", async () => {
    const [one, other] = [instance(), instance()];
    const key = freshKey();
    const bytes = randomBytes(3 * 1024 * 1024); // over the in-memory bound: read back as a file
    await one.cache.put(key, bytes);
    expect((await storedBytes(key)).equals(bytes)).toBe(true);
    const opened = await other.cache.open(key);
    expect(typeof opened).toBe("string");
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: objectKey(key), Body: Buffer.from("gone"), Metadata: { sha256: sha256(bytes) } }));
    expect((await other.cache.read(key))?.equals(bytes)).toBe(true); // its disk has it now: the store is not asked
  });

  it("never gives out an object whose bytes are not the ones written: it is removed from the store and logged", async () => {
    const [one, other] = [instance(), instance()];
    const [flipped, cut, unsigned] = [freshKey(), freshKey(), freshKey()];
    const bytes = Buffer.from("a listing, one line a file\n".repeat(100));
    for (const key of [flipped, cut, unsigned]) await one.cache.put(key, bytes);
    const rewrite = (key: string, body: Buffer, metadata: Record<string, string>) =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: objectKey(key), Body: body, Metadata: metadata }));
    await rewrite(flipped, Buffer.from(bytes.toString().replace("listing", "lasting")), { sha256: sha256(bytes) });
    await rewrite(cut, bytes.subarray(0, 1000), { sha256: sha256(bytes) });
    await rewrite(unsigned, bytes, {});
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const key of [flipped, cut, unsigned]) {
        expect(await other.cache.read(key), key).toBeNull();
        expect(await inStore(key), key).toBe(false);
      }
      expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)).problem)).toEqual([
        "its bytes do not match their digest",
        "its bytes do not match their digest", // the store says 1000 bytes: the digest is what catches a truncation
        "it carries no digest",
      ]);
    } finally {
      errors.mockRestore();
    }
    // Made again by whoever needs it, and whole in the store again.
    await other.cache.put(flipped, bytes);
    expect((await storedBytes(flipped)).equals(bytes)).toBe(true);
  });

  it("with the first writer's object in place, a second instance's put keeps it (created once)", async () => {
    const [one, other] = [instance(), instance()];
    const key = freshKey();
    await one.cache.put(key, "first");
    await other.cache.put(key, "second");
    expect((await storedBytes(key)).toString()).toBe("first");
    expect((await other.cache.read(key))?.toString()).toBe("second"); // its own disk: what it made itself
  });

  it("without the store: misses are misses, puts stay on the disk, and the outage is logged once", async () => {
    const away = instance("http://127.0.0.1:9"); // nothing listens on the discard port
    const key = freshKey();
    const started = performance.now();
    expect(await away.cache.read(key)).toBeNull();
    await away.cache.put(key, "made while the store was away");
    for (let i = 0; i < 5; i++) expect(await away.cache.read(freshKey())).toBeNull();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await away.cache.read(key))?.toString()).toBe("made while the store was away");
    expect(await away.link.state()).toBe("down");
    expect(away.log.filter((line) => JSON.parse(line).store === "down")).toHaveLength(1);
  });
});
