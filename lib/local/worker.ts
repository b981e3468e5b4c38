import { parsePlatform } from "@/lib/core/platform";
import { asPortholeError, PortholeError } from "@/lib/core/errors";
import { parseLocalRef } from "@/lib/core/local-ref";
import type { LocalFiles } from "@/lib/local/archive-files";
import { LocalImage } from "@/lib/local/local-image";
import { openArchive } from "@/lib/local/open-archive";
import { archiveFormat, openLocalImage } from "@/lib/local/open-image";
import type { FromWorker, ImageKey, ToWorker } from "@/lib/local/protocol";
import { sendInBatches } from "@/lib/local/worker-layer";
import { callView } from "@/lib/core/image-view";

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

/** The image a request names, opened once. */
function imageFor({ ref, platform }: ImageKey): Promise<LocalImage> {
  const key = `${ref}|${platform ?? ""}`;
  let image = images.get(key);
  if (!image) {
    image = (files ?? Promise.reject(new PortholeError("NOT_FOUND", "no archive is open"))).then(async (opened) => {
      return new LocalImage(opened, await openLocalImage(opened, parseLocalRef(ref), platform ? parsePlatform(platform) : null));
    });
    images.set(key, image);
  }
  return image;
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === "open") {
    files = openArchive(message.archive, message.opened);
    // Not an image archive at all is said at once, where the file was chosen.
    await archiveFormat(await files, message.archive);
    return post({ type: "opened" });
  }
  if (message.type === "cancel") return void cancelled.add(message.id);
  const { id } = message;
  const image = await imageFor(message.image);
  if (message.type === "call") return post({ type: "reply", id, value: await callView(image, message.call) });
  if (message.type === "file") {
    const part = await image.filePart(message.file, message.offset, message.length);
    return post({ type: "part", id, ...part }, [part.bytes.buffer as ArrayBuffer]);
  }
  await sendInBatches(image.layerEntries(message.digest), (entries) => {
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
