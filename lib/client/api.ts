import type { Page } from "@/lib/core/paging";
import type { LayerEntry } from "@/lib/core/api-types";
import type { FilePart } from "@/lib/core/image-view";
import { PortholeError } from "@/lib/core/errors";

/**
 * The browser's one way to Porthole's API. Every `/api/v1` URL the UI uses is built here, and every
 * failure comes out as a PortholeError: a typed error body, a proxy's HTML error page, a dropped
 * connection, or a stream that breaks midway. The UI can then always say what went wrong.
 */

type Params = Record<string, string | number | null | undefined>;

/** `/api/v1/{endpoint}?…`, leaving out the parameters that are null or undefined. */
function apiUrl(endpoint: string, params: Params): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined) query.set(name, String(value));
  const search = query.toString();
  return search ? `/api/v1/${endpoint}?${search}` : `/api/v1/${endpoint}`;
}

export const imageApiUrl = (ref: string, platform: string | null) => apiUrl("image", { ref, platform });
/** The merged filesystem, of all layers or of layers 0..upTo. */
export const fsApiUrl = (ref: string, upTo: number | null = null) => apiUrl("fs", { ref, upto: upTo });
export const changesApiUrl = (ref: string, layer: number, page?: Page, q?: string) =>
  apiUrl("changes", { ref, layer, q, limit: page?.limit, after: page?.after });
/** One directory of what a layer changed. */
export const changedDirApiUrl = (ref: string, layer: number, dir: string, sort?: string) => apiUrl("changes", { ref, layer, dir, sort });
/** One directory of the merged filesystem (of layers 0..upTo). */
export const dirApiUrl = (ref: string, path: string, upTo: number | null = null, sort?: string) => apiUrl("dir", { ref, path, upto: upTo, sort });
/** The paths of the merged filesystem a filter matches (substring or glob), the first `limit` after the path `after`. */
export const searchApiUrl = (ref: string, q: string, upTo: number | null, limit: number, after?: string) =>
  apiUrl("search", { ref, q, upto: upTo, limit, after });
/** The merged filesystem's figures without its files. */
export const summaryApiUrl = (ref: string, upTo: number | null) => apiUrl("summary", { ref, upto: upTo });
export const layerApiUrl = (ref: string, digest: string) => apiUrl("layer", { ref, digest });
/** A file's bytes: as the merged filesystem has it, or as the layer with digest `layer` has it. */
export const fileApiUrl = (ref: string, path: string, options: { layer?: string | null; download?: boolean } = {}) =>
  apiUrl("file", { ref, path, layer: options.layer, download: options.download ? 1 : null });
/** Two images compared path by path, with their config differences. */
export const diffApiUrl = (a: string, b: string, platformA: string | null, platformB: string | null, page?: Page & { under?: string }) =>
  apiUrl("diff", { a, b, platformA, platformB, limit: page?.limit, after: page?.after, under: page?.under });
/** What is installed (package databases, Go build info), per-layer inventory changes and the attack surface; `files`: each package's files too. */
export const packagesApiUrl = (ref: string, files = false) => apiUrl("packages", { ref, files: files ? 1 : null });
/** A repository's tags (`repo` is `registry/repository`), in natural order. */
export const tagsApiUrl = (repo: string) => apiUrl("tags", { repo });
/** The image's signatures, SBOMs and attestations, wherever the registry keeps them (and those of the index it is in). */
export const referrersApiUrl = (ref: string, platform: string | null) => apiUrl("referrers", { ref, platform });
/** One referrer's manifest and its documents (read as JSON, in-toto statements unwrapped). */
export const artifactApiUrl = (ref: string, digest: string) => apiUrl("artifact", { ref, digest });
/** POST signs in, GET lists the registries signed in to, DELETE signs out (of `registry`, or of all). */
export const sessionApiUrl = (registry?: string) => apiUrl("session", { registry });

/** A failure to talk to our server at all; a request the caller aborted stays an abort. */
function unreachable(cause: unknown, signal: AbortSignal | null | undefined): never {
  if (signal?.aborted) throw cause;
  throw new PortholeError("UPSTREAM_UNAVAILABLE", "Porthole's server could not be reached. Check your connection and try again.", { cause });
}

/** fetch, where any answer but a 2xx throws the PortholeError the server sent (or one for its status). */
async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init).catch((cause: unknown) => unreachable(cause, init.signal));
  if (!response.ok) throw PortholeError.fromJSON(response.status, await response.json().catch(() => null));
  return response;
}

/** GETs JSON: the SWR fetcher. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await request(url);
  const text = await response.text().catch((cause: unknown) => unreachable(cause, null));
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new PortholeError("UPSTREAM_INVALID", "Porthole's server sent an answer that is not JSON. Reload to try again.", { cause });
  }
}

/** Signs this browser session in to a registry; the server checks the credentials with it first. */
export async function signIn(registry: string, username: string, password: string): Promise<void> {
  await request(sessionApiUrl(), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registry, username, password }),
  });
}

/** A response body chunk by chunk. Stopping early cancels the download rather than reading it to the end. */
async function* bodyChunks(response: Response, signal: AbortSignal | null | undefined): AsyncGenerator<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((cause: unknown) => unreachable(cause, signal));
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * `length` bytes of a file from `offset` (fewer at its end). The server reads only those: by
 * Range from the registry when the layer was indexed, so a page deep in a 2 GB file comes quickly.
 */
export async function readFilePart(url: string, offset: number, length: number, signal?: AbortSignal): Promise<FilePart> {
  const response = await request(`${url}&offset=${offset}&length=${length}`, { signal });
  const chunks: Uint8Array[] = [];
  let read = 0;
  // A server that sends more than asked for is not read further.
  for await (const chunk of bodyChunks(response, signal)) {
    chunks.push(chunk);
    read += chunk.length;
    if (read >= length) break;
  }
  const bytes = new Uint8Array(Math.min(read, length));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.length;
  }
  // A 206 names the whole size in Content-Range; without one, the file has at least what was sent.
  const whole = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1];
  return { bytes, size: whole !== undefined ? Number(whole) : offset + read };
}

type LayerLine = LayerEntry | { done: true } | { error: unknown };

/** The complete lines of an NDJSON body, each parsed; a last line cut off midway is not one. */
async function* ndjsonLines(response: Response, signal: AbortSignal | null | undefined): AsyncGenerator<LayerLine> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of bodyChunks(response, signal)) {
    buffered += decoder.decode(chunk, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line) yield parseLine(line);
  }
}

function parseLine(line: string): LayerLine {
  try {
    return JSON.parse(line) as LayerLine;
  } catch (cause) {
    throw new PortholeError("UPSTREAM_INVALID", "Porthole's server sent a broken layer listing. Reload to try again.", { cause });
  }
}

/**
 * A layer's entries as the server reads the layer. The listing ends with `{"done":true}`; one that
 * fails midway ends with `{"error":…}` (its HTTP status was sent long before), and one that just
 * stops was cut off: both throw, so a partial listing never passes for a complete one.
 */
export async function* layerEntries(ref: string, digest: string, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
  const response = await request(layerApiUrl(ref, digest), { signal });
  for await (const line of ndjsonLines(response, signal)) {
    // A failure after the 200 went out is the server's: 502 if the line does not say which it is.
    if ("error" in line) throw PortholeError.fromJSON(502, line);
    if ("done" in line) return;
    yield line;
  }
  throw new PortholeError("UPSTREAM_UNAVAILABLE", "The layer's listing was cut off before its end. Reload to try again.");
}
