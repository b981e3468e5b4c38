import "server-only";
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { promisify } from "node:util";
import { constants, createGzip, gzip } from "node:zlib";
import { MemoryLru } from "@/lib/cache/memory-lru";
import { asPortholeError, PortholeError } from "@/lib/core/errors";
import { acceptsGzip } from "@/lib/http/accept-encoding";
import { sendError } from "@/lib/http/node-response";

type Handler = (request: Request) => Response | Promise<Response>;

const gzipped = promisify(gzip);

/**
 * The direct lane: API GET handlers called by the front door itself, without Next.js's router.
 * Next.js's request path costs about a millisecond of CPU per request (routing, its async
 * contexts, its web-stream plumbing): 200 requests at once wait 200+ ms for it alone on two cores,
 * more than the whole budget of an answer from cache. The handlers are the route files' own
 * functions, registered when Next.js first loads a route (so the first request to each goes
 * through Next.js, and both bundles share one copy of every module's state); the table lives on
 * globalThis because the front door is bundled apart from the routes.
 */
const KEY = Symbol.for("porthole.direct-lane");

function routes(): Map<string, Handler> {
  const holder = globalThis as { [KEY]?: Map<string, Handler> };
  holder[KEY] ??= new Map();
  return holder[KEY];
}

/** Lets the front door call a route's GET handler directly from now on: `serveDirectly("/api/v1/image", GET)`. */
export function serveDirectly(path: string, handler: Handler): void {
  routes().set(path, handler);
}

/** The handler the front door may call for this request, or undefined (Next.js routes it). */
export function directHandler(request: IncomingMessage): Handler | undefined {
  if (request.method !== "GET" || !request.url) return undefined;
  const path = request.url.split("?", 1)[0] as string;
  return routes().get(path);
}

/** Requests the lane made, so a route can tell it answers through the lane (a client cannot forge that). */
const laneRequests = new WeakSet<Request>();

/**
 * Whether a route may answer `request` with a body it has gzipped already: the client takes gzip,
 * and the lane sends the answer. Next.js drops a route's own Content-Encoding (it compresses by
 * itself), so through it such a body would arrive as bytes the client cannot read.
 */
export function takesGzippedBody(request: Request): boolean {
  return laneRequests.has(request) && acceptsGzip(request.headers.get("accept-encoding"));
}

/**
 * The request as a route handler sees it under Next.js; null when its URL or a header is not
 * acceptable to fetch's classes. Its headers are the parsed ones, as Next.js takes them: those
 * carry the front door's stamp of the client's address, where the raw ones still hold whatever
 * address the client claimed.
 */
function webRequest(request: IncomingMessage): Request | null {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, each);
    }
    return new Request(new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`), { headers });
  } catch {
    return null;
  }
}

/** Below this a JSON answer goes as it is: gzip's set-up costs more than the bytes it saves. */
const COMPRESS_FROM_BYTES = 1024;

const accepts = (request: IncomingMessage) => acceptsGzip(request.headers["accept-encoding"]);

function headersOf(answer: Response): Map<string, string | string[]> {
  const headers = new Map<string, string | string[]>();
  answer.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.set(name, value);
  });
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) headers.set("set-cookie", cookies);
  return headers;
}

function markGzipped(headers: Map<string, string | string[]>): void {
  headers.delete("content-length");
  headers.set("content-encoding", "gzip");
  headers.set("vary", [headers.get("vary"), "Accept-Encoding"].filter(Boolean).join(", "));
}

/** JSON, and NDJSON sent from memory (with its length), is made whole by its route before it is sent. */
function madeWhole(answer: Response): boolean {
  const type = answer.headers.get("content-type") ?? "";
  return type.startsWith("application/json") || (type.startsWith("application/x-ndjson") && answer.headers.has("content-length"));
}

/**
 * Answers about cached images repeat byte for byte (every viewer of an image gets the same tree),
 * so each distinct answer is compressed once, by its digest, and the gzip kept for the next time.
 */
const compressedAnswers = new MemoryLru(32 * 1024 ** 2, 8 * 1024 ** 2);

async function compressed(bytes: Buffer): Promise<Buffer> {
  const key = createHash("sha256").update(bytes).digest("base64");
  const kept = compressedAnswers.get(key);
  if (kept) return kept;
  const made = await gzipped(bytes);
  compressedAnswers.set(key, made);
  return made;
}

/** An answer made whole in memory by its route anyway: sent with its length, gzipped (off the main thread) when worth it. */
async function sendWhole(request: IncomingMessage, response: ServerResponse, answer: Response): Promise<void> {
  const headers = headersOf(answer);
  let bytes: Buffer = Buffer.from(await answer.arrayBuffer());
  if (accepts(request) && bytes.length >= COMPRESS_FROM_BYTES && !headers.has("content-encoding")) {
    bytes = await compressed(bytes);
    markGzipped(headers);
  }
  headers.set("content-length", String(bytes.length));
  response.writeHead(answer.status, Object.fromEntries(headers)).end(bytes);
}

/**
 * A streamed answer (an NDJSON listing, file bytes) is passed on with back pressure; NDJSON is
 * gzipped when the client takes it, flushed chunk by chunk so its lines arrive as they are made.
 * A client that goes away cancels the body, and with it the route's upstream download.
 */
async function sendStream(request: IncomingMessage, response: ServerResponse, answer: Response, body: ReadableStream<Uint8Array>): Promise<void> {
  const headers = headersOf(answer);
  const ndjson = (answer.headers.get("content-type") ?? "").startsWith("application/x-ndjson");
  const gzip = ndjson && answer.status === 200 && accepts(request) && !headers.has("content-encoding");
  if (gzip) markGzipped(headers);
  response.writeHead(answer.status, Object.fromEntries(headers));
  const source = Readable.fromWeb(body as NodeWebStream<Uint8Array>);
  if (gzip) await pipeline(source, createGzip({ level: constants.Z_BEST_SPEED, flush: constants.Z_SYNC_FLUSH }), response);
  else await pipeline(source, response);
}

/** Answers `request` with `handler`'s response, as Next.js would have sent it. */
export async function serveDirect(request: IncomingMessage, response: ServerResponse, handler: Handler): Promise<void> {
  try {
    const asked = webRequest(request);
    if (!asked) throw new PortholeError("BAD_REQUEST", "the request's address or headers cannot be read");
    laneRequests.add(asked);
    const answer = await handler(asked);
    if (!answer.body) return void response.writeHead(answer.status, Object.fromEntries(headersOf(answer))).end();
    if (madeWhole(answer)) await sendWhole(request, response, answer);
    else await sendStream(request, response, answer, answer.body);
  } catch (error) {
    if (response.headersSent) return void response.destroy();
    const failure = asPortholeError(error);
    if (failure.code === "INTERNAL") console.error(error);
    sendError(response, failure);
  }
}
