import "server-only";
import http from "node:http";
import https from "node:https";
import { settings } from "@/lib/config";
import { PortholeError } from "@/lib/core/errors";
import { connectHost, guardedLookup } from "@/lib/registry/hosts";
import { enforceMinimumRate } from "@/lib/registry/min-rate";

export interface UpstreamResponse {
  url: URL;
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Streamed, never buffered: layers are gigabytes. Consumers must read or destroy it. */
  body: http.IncomingMessage;
}

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * One HTTP request, no redirects followed. The host passes the private-host gate: IP literals before
 * connecting, names inside the DNS lookup, so the address checked is the address connected to.
 * Connect, idle and total timeouts become UPSTREAM_TIMEOUT, also while the body streams.
 */
export function send(url: URL, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const hostPort = url.host;
    let connectTo: string;
    try {
      connectTo = connectHost(hostPort);
    } catch (error) {
      return reject(error);
    }
    const secure = url.protocol === "https:";
    const request = (secure ? https : http).request({
      agent: agents[secure ? "https:" : "http:"],
      hostname: connectTo,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: options.method ?? "GET",
      headers: { "user-agent": "porthole/0.1", ...options.headers, host: url.host },
      lookup: guardedLookup(hostPort),
    });
    let response: http.IncomingMessage | null = null;
    const fail = (error: Error) => (response ? response.destroy(error) : request.destroy(error));
    const { connectTimeoutMs, idleTimeoutMs, totalTimeoutMs, minBytesPerSecond, minRateWindowMs } = settings();

    const connectTimer = setTimeout(
      () => fail(new PortholeError("UPSTREAM_TIMEOUT", `${hostPort} did not accept a connection within ${connectTimeoutMs / 1000} s`)),
      connectTimeoutMs,
    );
    request.on("socket", (socket) => {
      if (!socket.connecting) return clearTimeout(connectTimer);
      socket.once(secure ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    request.setTimeout(idleTimeoutMs, () => fail(new PortholeError("UPSTREAM_TIMEOUT", `${hostPort} sent nothing for ${idleTimeoutMs / 1000} s`)));
    const totalTimer = setTimeout(
      () => fail(new PortholeError("UPSTREAM_TIMEOUT", `${hostPort} took longer than ${totalTimeoutMs / 1000} s in all`)),
      totalTimeoutMs,
    );
    request.on("error", (error) => {
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      reject(asUpstreamError(error, hostPort));
    });
    request.on("response", (incoming) => {
      incoming.once("close", () => clearTimeout(totalTimer));
      response = incoming;
      enforceMinimumRate(incoming, { bytesPerSecond: minBytesPerSecond, windowMs: minRateWindowMs }, (bytes) =>
        fail(
          new PortholeError(
            "UPSTREAM_TIMEOUT",
            `${hostPort} sent ${bytes} bytes in ${minRateWindowMs / 1000} s, under the minimum of ${minBytesPerSecond} bytes/s`,
          ),
        ),
      );
      resolve({ url, status: incoming.statusCode ?? 0, headers: incoming.headers, body: incoming });
    });
    request.end(options.body);
  });
}

/** Network-level failures as PortholeErrors a user can act on. */
export function asUpstreamError(error: unknown, hostPort: string): PortholeError {
  if (error instanceof PortholeError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new PortholeError("UPSTREAM_UNAVAILABLE", `registry host ${hostPort} was not found (DNS)`, { cause: error });
  if (code === "ECONNREFUSED") return new PortholeError("UPSTREAM_UNAVAILABLE", `${hostPort} refused the connection`, { cause: error });
  if (code === "ETIMEDOUT") return new PortholeError("UPSTREAM_TIMEOUT", `${hostPort} timed out`, { cause: error });
  if (code.startsWith("ERR_TLS") || code.includes("CERT"))
    return new PortholeError("UPSTREAM_UNAVAILABLE", `TLS with ${hostPort} failed (${code})`, { cause: error });
  return new PortholeError("UPSTREAM_UNAVAILABLE", `connection to ${hostPort} failed${code ? ` (${code})` : ""}`, { cause: error });
}

/** Reads a whole (small) body, refusing more than `limit` bytes: manifests, configs, tokens, errors. */
export async function readCapped(response: UpstreamResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers["content-length"]);
  if (declared > limit) {
    response.body.destroy();
    throw new PortholeError("TOO_LARGE", `the ${what} is ${declared} bytes, over the ${limit}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) {
        response.body.destroy();
        throw new PortholeError("TOO_LARGE", `the ${what} is over the ${limit}-byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw asUpstreamError(error, response.url.host);
  }
  return Buffer.concat(chunks);
}

/** Discards a body we will not read, so the connection can be reused or closed. */
export function discard(response: UpstreamResponse): void {
  response.body.resume();
}
