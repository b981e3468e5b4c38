import "server-only";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

export interface StoredObject {
  /** The object's bytes, streamed. A failure after the answer began (the store went away, or went quiet for IDLE_TIMEOUT_MS) is an error on this stream. */
  body: Readable;
  /** Content-Length as the store says. */
  size: number;
  /** Hex sha256 of the content, as recorded in the object's metadata when it was written (null if absent). */
  sha256: string | null;
}

export interface ObjectStore {
  /** The object, or null when there is none (404/NoSuchKey). Throws StoreUnavailable when the store cannot be reached or fails. */
  get(key: string): Promise<StoredObject | null>;
  /**
   * Creates the object only if no object has that key (PutObject with If-None-Match: *), recording `sha256` in its metadata.
   * "exists" when another writer got there first (412, or 409 ConditionalRequestConflict). `body()` is called to get a fresh
   * stream of exactly `size` bytes for each attempt; an error of that stream is thrown as it is (the store is not at fault).
   */
  putIfAbsent(key: string, body: () => Readable, size: number, sha256: string): Promise<"created" | "exists">;
  /** Removes the object (a damaged one), if it is there. */
  remove(key: string): Promise<void>;
  /** Cheap check that the bucket answers (HeadBucket); throws StoreUnavailable if not. */
  ping(): Promise<void>;
}

/** The store could not be reached, or failed: the caller goes on without it. The message never carries credentials. */
export class StoreUnavailable extends Error {
  override name = "StoreUnavailable";
}

/** Our cache keys, `kind:version:algorithm:hex`: lower-case words joined by colons, each colon a folder in the bucket. */
const CACHE_KEY = /^[a-z0-9-]+(:[a-z0-9-]+)*$/;

/** A store that does not answer must not hold a web request: unreachable fails in CONNECT_TIMEOUT_MS, silent in IDLE_TIMEOUT_MS. */
const CONNECT_TIMEOUT_MS = 2_000;
/**
 * No byte either way for this long ends a request, mid-body too. Under 6 s on purpose: @smithy/node-http-handler arms longer
 * socket timeouts only 3 s after the request starts.
 */
const IDLE_TIMEOUT_MS = 5_000;
/** A reused keep-alive connection the server has just closed fails once; a second attempt, on a new one, goes through. */
const ATTEMPTS = 2;

/** S3-compatible servers mostly ignore the region, but a signature needs one. */
const DEFAULT_REGION = "us-east-1";

/** The SDK's own region chain (AWS_REGION, the profile's config), read through a client that never sends; us-east-1 when it names none. */
function regionOrDefault(): () => Promise<string> {
  const chain = new S3Client({}).config.region;
  return () => chain().catch(() => DEFAULT_REGION);
}

/** The SDK warns on the console of every failed streamed request, "exists" (412) included; what matters reaches the caller as an error. */
const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/** A short account of a failure: the S3 error or the socket error's code, and the HTTP status when there was one. */
function unavailable(action: string, error: unknown): StoreUnavailable {
  const status = statusOf(error);
  const what = (error as { code?: string }).code ?? (error instanceof Error ? error.name : String(error));
  return new StoreUnavailable(`S3 ${action} failed: ${what}${status ? ` (HTTP ${status})` : ""}`, { cause: error });
}

/** Another writer created the key first: 412 for an existing object, 409 while a racing write of it is under way. */
const alreadyExists = (error: unknown) =>
  statusOf(error) === 412 || (statusOf(error) === 409 && (error as { name?: string }).name === "ConditionalRequestConflict");

class S3Store implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  /** `layer-index:v4:sha256:abcd…` → `<prefix>layer-index/v4/sha256/abcd…`, so objects group by kind. */
  private objectKey(key: string): string {
    if (!CACHE_KEY.test(key)) throw new Error(`not a cache key: ${JSON.stringify(key)}`);
    return this.prefix + key.replaceAll(":", "/");
  }

  async get(key: string): Promise<StoredObject | null> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    const answer = await this.client.send(command).catch((error: unknown) => {
      if (error instanceof NoSuchKey) return null;
      throw unavailable("get", error);
    });
    if (!answer) return null;
    if (!(answer.Body instanceof Readable) || answer.ContentLength === undefined) {
      throw new StoreUnavailable("S3 get failed: an answer without a streamed body and its length");
    }
    return { body: answer.Body, size: answer.ContentLength, sha256: answer.Metadata?.sha256 ?? null };
  }

  async putIfAbsent(key: string, body: () => Readable, size: number, sha256: string): Promise<"created" | "exists"> {
    const objectKey = this.objectKey(key);
    // The SDK does not retry a streamed body (it cannot read it again): a fresh stream per attempt can be.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.putOnce(objectKey, body(), size, sha256);
      } catch (error) {
        if (!(error instanceof StoreUnavailable) || attempt === ATTEMPTS) throw error;
      }
    }
  }

  private async putOnce(objectKey: string, source: Readable, size: number, sha256: string): Promise<"created" | "exists"> {
    // The request pipes the source without watching it: a failing source would leave the request waiting for bytes.
    const sourceFailed = new AbortController();
    source.once("error", (error) => sourceFailed.abort(error));
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: objectKey,
      Body: source,
      ContentLength: size, // Ceph 16 refuses a streamed body without one
      IfNoneMatch: "*",
      Metadata: { sha256 },
    });
    try {
      await this.client.send(command, { abortSignal: sourceFailed.signal });
      return "created";
    } catch (error) {
      if (sourceFailed.signal.aborted) throw sourceFailed.signal.reason;
      if (alreadyExists(error)) return "exists";
      throw unavailable("put", error);
    } finally {
      source.destroy(); // unread when the store answered before taking the body (412 after 100-continue)
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })).catch((error: unknown) => {
      throw unavailable("delete", error);
    });
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket })).catch((error: unknown) => {
      throw unavailable("ping", error);
    });
  }
}

/** An S3 (or S3-compatible) bucket as an ObjectStore. Credentials come from the AWS SDK's default chain. */
export function s3Store(options: { bucket: string; prefix: string; endpoint: string | null; forcePathStyle: boolean }): ObjectStore {
  const client = new S3Client({
    region: regionOrDefault(),
    endpoint: options.endpoint ?? undefined,
    forcePathStyle: options.forcePathStyle,
    maxAttempts: ATTEMPTS,
    logger: SILENT,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: IDLE_TIMEOUT_MS },
    // The SDK's default checksums send `aws-chunked` bodies, which Ceph 16 (and other S3-compatible servers) refuse.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return new S3Store(client, options.bucket, options.prefix);
}
