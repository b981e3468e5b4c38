/**
 * A real S3 server for tests: a throw-away one-node Ceph cluster (monitor, in-memory OSD, RADOS Gateway) on loopback, started
 * with the shared service's scripts (`../shared/services/ceph-rgw/`, see its README) in a temporary folder, and stopped and wiped
 * by exactly the pids it recorded. About 2–3 s to start.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

const SCRIPTS = join(import.meta.dirname, "..", "..", "..", "shared", "services", "ceph-rgw");

const run = promisify(execFile);

export interface Ceph {
  /** The RADOS Gateway, `http://127.0.0.1:<rgwPort>`: address it path-style. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** The cluster's folder: its config, logs and `pids`. */
  dir: string;
  /** Stops the daemons this start started (by pid) and removes the folder. */
  stop(): Promise<void>;
  /** The radosgw process, to take the S3 server away in a fault test (kill it, or SIGSTOP it). */
  rgwPid(): number;
}

export interface CephOptions {
  /** Ports other than the defaults (7480, 3300, 6789), to run beside another Ceph. */
  rgwPort?: number;
  monPortV2?: number;
  monPortV1?: number;
  /** Buckets to create once the gateway is up. */
  buckets?: string[];
}

export async function startCeph(options: CephOptions = {}): Promise<Ceph> {
  const dir = mkdtempSync(join(tmpdir(), "porthole-ceph-"));
  const accessKey = randomBytes(10).toString("hex").toUpperCase();
  const secretKey = randomBytes(20).toString("hex");
  const env = { ...process.env, S3_ACCESS_KEY: accessKey, S3_SECRET_KEY: secretKey, ...ports(options) };
  await run(join(SCRIPTS, "start.sh"), [dir], { env }).catch((error: { stderr?: string }) => {
    throw new Error(`Ceph did not start:\n${error.stderr ?? String(error)}`);
  });
  const ceph: Ceph = {
    endpoint: `http://127.0.0.1:${options.rgwPort ?? 7480}`,
    accessKey,
    secretKey,
    region: "us-east-1",
    dir,
    stop: async () => {
      await run(join(SCRIPTS, "stop.sh"), [dir, "--wipe"]);
    },
    rgwPid: () => rgwPid(dir),
  };
  try {
    await createBuckets(ceph, options.buckets ?? []);
  } catch (error) {
    await ceph.stop();
    throw error;
  }
  return ceph;
}

/** start.sh's port variables for the ports asked for; the others keep its defaults. */
function ports(options: CephOptions): Record<string, string> {
  const chosen = { RGW_PORT: options.rgwPort, MON_PORT_V2: options.monPortV2, MON_PORT_V1: options.monPortV1 };
  return Object.fromEntries(Object.entries(chosen).flatMap(([name, port]) => (port === undefined ? [] : [[name, String(port)]])));
}

/** radosgw's pid from start.sh's `DIR/pids` (`name pid` lines). */
function rgwPid(dir: string): number {
  const line = readFileSync(join(dir, "pids"), "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("rgw.a "));
  if (!line) throw new Error(`no radosgw in ${join(dir, "pids")}`);
  return Number(line.split(" ")[1]);
}

/** An S3 client for the test itself (its own credentials, not the environment's). */
export function cephClient(ceph: Ceph): S3Client {
  return new S3Client({
    endpoint: ceph.endpoint,
    region: ceph.region,
    forcePathStyle: true,
    credentials: { accessKeyId: ceph.accessKey, secretAccessKey: ceph.secretKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

async function createBuckets(ceph: Ceph, buckets: string[]): Promise<void> {
  const client = cephClient(ceph);
  try {
    for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}
