/**
 * One in-process fake registry on loopback, for what a real registry cannot be made to do on
 * demand: 429 with Retry-After, 5xx, stalls, trickling, truncated or wrong bodies, huge bodies,
 * redirects to another host, token realms on private hosts.
 *
 * It serves the manifests and blobs it is given as distribution does (GET and HEAD, with
 * Content-Type, Content-Length and Docker-Content-Digest, a blob's Range with 206; 404 with the
 * registry's error code for anything else), answers the ping `/v2/` with 200, and records every request. A test answers any
 * route its own way with `on(route, answer)`, using the answers below or its own function:
 *
 *   const registry = await fakeRegistry();
 *   registry.serveImage("app", "v1", await buildImage(spec));
 *   registry.on("GET blob", sequence(status(503), status(429, { "retry-after": "1" }), serve));
 *   … registry.count("GET blob") …
 *   await registry.close(); // or closeFakeRegistries() after each test
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Blob, BuiltImage } from "./image-builder";

/** What a request is for: the ping `/v2/`, a manifest, a blob, or any other path. */
export type Route = "ping" | "manifest" | "blob" | "other";
type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
/** A route, `*` (every request but the ping), or an exact path (`/v2/app/manifests/v1`, no query). */
type Target = Route | "*" | `/${string}`;
/** Which requests an answer or a count is for: a target, or a method and a target (`GET blob`). */
export type RouteSpec = Target | `${Method} ${Target}`;

export interface Exchange {
  request: IncomingMessage;
  /** Still open while the answer (or the test holding on to it) has not ended it. */
  response: ServerResponse;
  method: string;
  /** The path, without the query. */
  path: string;
  route: Route;
  headers: IncomingHttpHeaders;
  /** For manifests and blobs: the repository, and the tag or digest asked for ("" otherwise). */
  repository: string;
  reference: string;
  /** What the registry holds there (a manifest or blob it was given), with the headers it is served with. */
  content: { bytes: Buffer; headers: OutgoingHttpHeaders } | null;
}

/** How to answer a request. May answer later, or never. */
export type Answer = (exchange: Exchange) => void | Promise<void>;

export interface FakeRegistry {
  /** `127.0.0.1:port`, as a reference names the registry. */
  readonly host: string;
  /** Every request, the ping included, in the order they came; clear it with `requests.length = 0`. */
  readonly requests: Exchange[];
  /** How many requests matched `spec` (every request but pings when no spec is given). */
  count(spec?: RouteSpec | RouteSpec[]): number;
  /** Serves `manifest` by its digest, and by `tag` when one is given. */
  serveManifest(repository: string, tag: string | null, manifest: Blob, mediaType: string): void;
  /** Serves a blob, in every repository. */
  serveBlob(blob: Blob): void;
  /** Serves an image's manifest (by tag and digest), its config and its layers. */
  serveImage(repository: string, tag: string, image: BuiltImage): void;
  /** Answers requests matching `spec` with `answer` from now on; the answer set last wins. */
  on(spec: RouteSpec | RouteSpec[], answer: Answer): void;
  /** Stops listening and breaks off every open response. */
  close(): Promise<void>;
}

const open = new Set<FakeRegistry>();

/** Starts a fake registry on `host` (`127.0.0.2` makes a second, different private host). */
export async function fakeRegistry(options: { host?: string } = {}): Promise<FakeRegistry> {
  const manifests = new Map<string, { bytes: Buffer; headers: OutgoingHttpHeaders }>();
  const blobs = new Map<string, { bytes: Buffer; headers: OutgoingHttpHeaders }>();
  const answers: { matches: (exchange: Exchange) => boolean; answer: Answer }[] = [];
  const requests: Exchange[] = [];

  const server: Server = createServer((request, response) => {
    const exchange = exchangeOf(request, response, manifests, blobs);
    requests.push(exchange);
    const answer = answers.findLast((candidate) => candidate.matches(exchange))?.answer ?? serve;
    Promise.resolve()
      .then(() => answer(exchange))
      .catch((error: unknown) => response.destroy(error as Error));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(0, host, resolve));

  const registry: FakeRegistry = {
    host: `${host}:${(server.address() as AddressInfo).port}`,
    requests,
    count: (spec = "*") => requests.filter(matcher(spec)).length,
    serveManifest(repository, tag, manifest, mediaType) {
      const served = { bytes: manifest.bytes, headers: { "content-type": mediaType, "docker-content-digest": manifest.digest } };
      manifests.set(`${repository}@${manifest.digest}`, served);
      if (tag) manifests.set(`${repository}@${tag}`, served);
    },
    serveBlob(blob) {
      blobs.set(blob.digest, { bytes: blob.bytes, headers: { "content-type": "application/octet-stream", "docker-content-digest": blob.digest } });
    },
    serveImage(repository, tag, image) {
      registry.serveManifest(repository, tag, image.manifest, image.mediaType);
      for (const blob of [image.config, ...image.layers]) registry.serveBlob(blob);
    },
    on(spec, answer) {
      answers.push({ matches: matcher(spec), answer });
    },
    close() {
      open.delete(registry);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  open.add(registry);
  return registry;
}

/** Closes every fake registry still open (for an `afterEach`). */
export async function closeFakeRegistries(): Promise<void> {
  await Promise.all([...open].map((registry) => registry.close()));
}

function exchangeOf(
  request: IncomingMessage,
  response: ServerResponse,
  manifests: Map<string, Exchange["content"]>,
  blobs: Map<string, Exchange["content"]>,
): Exchange {
  const path = new URL(request.url ?? "/", "http://registry").pathname;
  const method = request.method ?? "GET";
  const base = { request, response, method, path, headers: request.headers };
  if (path === "/v2/" || path === "/v2") return { ...base, route: "ping", repository: "", reference: "", content: null };
  const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
  if (manifest) {
    const [, repository = "", reference = ""] = manifest;
    return { ...base, route: "manifest", repository, reference, content: manifests.get(`${repository}@${reference}`) ?? null };
  }
  const blob = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path);
  if (blob) {
    const [, repository = "", reference = ""] = blob;
    return { ...base, route: "blob", repository, reference, content: blobs.get(reference) ?? null };
  }
  return { ...base, route: "other", repository: "", reference: "", content: null };
}

function matcher(spec: RouteSpec | RouteSpec[]): (exchange: Exchange) => boolean {
  const specs = (Array.isArray(spec) ? spec : [spec]).map((one) => {
    const [method, target] = one.includes(" ") ? one.split(" ", 2) : [null, one];
    return { method, target };
  });
  return (exchange) =>
    specs.some(({ method, target }) => {
      if (method && exchange.method !== method) return false;
      if (target === "*") return exchange.route !== "ping";
      return target?.startsWith("/") ? exchange.path === target : exchange.route === target;
    });
}

const ERROR_CODES: Record<Route, string> = { ping: "", manifest: "MANIFEST_UNKNOWN", blob: "BLOB_UNKNOWN", other: "NOT_FOUND" };

/** What the registry answers when no answer is set: the ping, the content it holds, or a 404. */
export const serve: Answer = (exchange) => {
  const { route, method, content, response } = exchange;
  if (route === "ping") return void response.writeHead(200, { "content-type": "application/json" }).end("{}");
  if (!content) {
    const body = JSON.stringify({ errors: [{ code: ERROR_CODES[route], message: `${route} unknown to registry` }] });
    return void response.writeHead(404, { "content-type": "application/json" }).end(body);
  }
  const range = requestedRange(exchange);
  if (range) {
    const [from, to] = range;
    const headers = { ...content.headers, "content-length": to - from, "content-range": `bytes ${from}-${to - 1}/${content.bytes.length}` };
    return void response.writeHead(206, headers).end(method === "HEAD" ? undefined : content.bytes.subarray(from, to));
  }
  response.writeHead(200, { ...content.headers, "content-length": content.bytes.length });
  response.end(method === "HEAD" ? undefined : content.bytes);
};

/** A blob request's single `Range: bytes=A-B` as [A, B + 1), cut to the blob, or null (none, or not one we serve). */
function requestedRange({ route, headers, content }: Exchange): [number, number] | null {
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(headers.range ?? ""));
  if (route !== "blob" || !range || !content) return null;
  const from = Number(range[1]);
  const to = Math.min(range[2] ? Number(range[2]) + 1 : content.bytes.length, content.bytes.length);
  return from < to ? [from, to] : null;
}

/** Blobs whole, whatever Range asks (HTTP allows a server to ignore it). */
export const ignoringRange: Answer = (exchange) => serve({ ...exchange, headers: { ...exchange.headers, range: undefined } });

/** Blob ranges with one byte near their start flipped: a registry whose ranges do not match its blobs. */
export const tamperingRange: Answer = (exchange) => {
  const range = requestedRange(exchange);
  if (!range || !exchange.content) return serve(exchange);
  const bytes = Buffer.from(exchange.content.bytes);
  const flipped = Math.min(range[0] + 16, range[1] - 1);
  bytes[flipped] = (bytes[flipped] as number) ^ 0x01;
  return serve({ ...exchange, content: { ...exchange.content, bytes } });
};

/** A status with headers and an optional body (`status(503)`, `status(429, { "retry-after": "120" })`). */
export function status(code: number, headers: OutgoingHttpHeaders = {}, body?: string | Buffer): Answer {
  return ({ response }) => void response.writeHead(code, headers).end(body);
}

/** 401 with a challenge (`Basic realm="r"`, `Bearer realm="http://…/token",service="s"`). */
export function challenge(wwwAuthenticate: string): Answer {
  return status(401, { "www-authenticate": wwwAuthenticate });
}

/** 200 with these bytes, whatever was asked for (wrong bytes, invalid JSON, a token). */
export function send(body: string | Buffer, headers: OutgoingHttpHeaders = {}): Answer {
  return status(200, headers, body);
}

/** A redirect to `location`, on this host or another. */
export function redirect(location: string, code = 307): Answer {
  return status(code, { location });
}

/** The n-th matching request gets the n-th answer; the last answer repeats. */
export function sequence(...answers: Answer[]): Answer {
  let calls = 0;
  return (exchange) => (answers[Math.min(calls++, answers.length - 1)] as Answer)(exchange);
}

/**
 * Says nothing, ever: not even a status line, or, given `start`, a 200 with its headers and the
 * first bytes of a body that never goes on.
 */
export function stall(start?: { headers?: OutgoingHttpHeaders; body?: string | Buffer }): Answer {
  return ({ response }) => {
    if (!start) return;
    response.writeHead(200, start.headers ?? {});
    if (start.body !== undefined) response.write(start.body);
  };
}

/** A 200 whose body never ends: `chunk` every `everyMs`, never idle long. */
export function trickle(chunk: string | Buffer = "x", everyMs = 100): Answer {
  return ({ response }) => {
    response.writeHead(200);
    const drip = setInterval(() => response.write(chunk), everyMs);
    response.on("close", () => clearInterval(drip));
  };
}

/** A 200 claiming a `claimed`-byte body, of which `sent` bytes come, then nothing. */
export function huge(claimed: number, sent = 1024): Answer {
  return ({ response }) => {
    response.writeHead(200, { "content-length": String(claimed) });
    response.write(Buffer.alloc(sent));
  };
}

/** The content held there, headers and full length announced, cut off after `keep` bytes. */
export function truncated(keep: number): Answer {
  return ({ response, content, method }) => {
    if (!content) throw new Error("truncated(): nothing is served on this route");
    response.writeHead(200, { ...content.headers, "content-length": content.bytes.length });
    if (method === "HEAD") return void response.end();
    response.write(content.bytes.subarray(0, keep), () => response.destroy());
  };
}

/** The content held there, paused after `fraction` of it until `resume()` settles, then the rest. */
export function pauseAt(fraction: number, resume: () => Promise<void>): Answer {
  return async ({ response, content, method }) => {
    if (!content) throw new Error("pauseAt(): nothing is served on this route");
    response.writeHead(200, { ...content.headers, "content-length": content.bytes.length });
    if (method === "HEAD") return void response.end();
    const at = Math.floor(content.bytes.length * fraction);
    response.write(content.bytes.subarray(0, at));
    await resume();
    response.end(content.bytes.subarray(at));
  };
}
