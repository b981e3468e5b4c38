import { parsePlatform } from "@/lib/core/platform";
import { asPortholeError, PortholeError } from "@/lib/core/errors";
import { parseLocalRef } from "@/lib/core/local-ref";
import type { LocalFiles } from "@/lib/local/archive-files";
import { LocalImage } from "@/lib/local/local-image";
import { openArchive } from "@/lib/local/open-archive";
import { archiveFormat, openLocalImage } from "@/lib/local/open-image";
import type { FromWorker, ToWorker } from "@/lib/local/protocol";
import { streamLayer } from "@/lib/local/worker-layer";

/**
 * The Web Worker that reads one archive the user opened: everything heavy (inflating, hashing,
 * parsing, merging) happens here, off the page's thread, and nothing leaves the browser.
 */
/** The worker's global scope, as much of it as is used (TypeScript's DOM library types `self` as a window). */
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let files: Promise<LocalFiles> | null = null;
const images = new Map<string, Promise<LocalImage>>();
const cancelled = new Set<number>();

/** The image a request's `ref` and `platform` name, opened once. */
function imageFor(params: Record<string, string>): Promise<LocalImage> {
  const key = `${params.ref}|${params.platform ?? ""}`;
  let image = images.get(key);
  if (!image) {
    const platform = params.platform ? parsePlatform(params.platform) : null;
    image = (files ?? Promise.reject(new PortholeError("NOT_FOUND", "no archive is open"))).then(async (opened) => {
      return new LocalImage(opened, await openLocalImage(opened, parseLocalRef(params.ref ?? ""), platform));
    });
    images.set(key, image);
  }
  return image;
}

const layerParam = (params: Record<string, string>) => (params.layer === undefined ? null : Number(params.layer));

/** The JSON endpoints, answered as the server answers them. */
async function answer(endpoint: string, params: Record<string, string>): Promise<unknown> {
  const image = await imageFor(params);
  if (endpoint === "image") return image.info;
  if (endpoint === "fs") return (await image.fs(params.upto === undefined ? null : Number(params.upto))).fs;
  if (endpoint === "changes") return { layer: layerParam(params), changes: await image.changes(layerParam(params) ?? -1) };
  if (endpoint === "packages") return image.packages(params.files === "1");
  throw new PortholeError("NOT_FOUND", `a local image has no ${endpoint}`);
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === "open") {
    files = openArchive(message.archive, message.opened);
    // Not an image archive at all is said at once, where the file was chosen.
    await archiveFormat(await files, message.archive);
    return post({ type: "opened" });
  }
  if (message.type === "cancel") return void cancelled.add(message.id);
  const { id, params } = message;
  if (message.type === "json") return post({ type: "reply", id, value: await answer(message.endpoint, params) });
  const image = await imageFor(params);
  if (message.type === "file") {
    const part = await image.filePart(params.path ?? "/", params.layer ?? null, message.offset, message.length);
    return post({ type: "part", id, ...part }, [part.bytes.buffer as ArrayBuffer]);
  }
  await streamLayer(image, image.layerIndex(params.digest ?? ""), (entries) => {
    if (cancelled.has(id)) return false;
    post({ type: "entries", id, entries });
    return true;
  });
  post({ type: "reply", id, value: null });
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  handle(message).catch((error: unknown) => {
    const id = "id" in message ? message.id : null;
    const failure = error instanceof PortholeError ? error : asPortholeError(error);
    post({ type: "failed", id, error: failure.toJSON() });
  });
};
