import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";
import type { FilePart, FileRef, ImageView, JsonMethod, ViewAnswer, ViewCall } from "@/lib/core/image-view";
import type { ViewSource } from "@/lib/client/views";
import type { Opened } from "@/lib/local/archive-files";
import type { FromWorker, ImageKey, ToWorker } from "@/lib/local/protocol";

type Waiter = { resolve(message: FromWorker): void; reject(error: PortholeError): void; onEntries?(entries: LayerEntry[]): void };

/**
 * A local archive's images: a Web Worker holds the File and answers ImageView's calls about them.
 * Nothing is sent anywhere: the File goes to the worker by reference.
 */
export class LocalSource implements ViewSource {
  readonly local = true;
  private readonly worker = new Worker(new URL("../local/worker.ts", import.meta.url), { type: "module" });
  private readonly waiting = new Map<number | null, Waiter>();
  private nextId = 1;

  private constructor() {
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => this.failAll(new PortholeError("INTERNAL", `the archive reader stopped: ${event.message}`));
  }

  /** Opens an archive (one tar file, or a folder's files) in a new worker; rejects with what is wrong with it. */
  static async open(archive: string, opened: Opened): Promise<LocalSource> {
    const source = new LocalSource();
    await source.send(null, { type: "open", archive, opened });
    return source;
  }

  close(): void {
    this.worker.terminate();
  }

  private receive(message: FromWorker): void {
    const id = message.type === "opened" ? null : message.id;
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    if (message.type === "entries") return waiter.onEntries?.(message.entries);
    this.waiting.delete(id);
    if (message.type === "failed") waiter.reject(PortholeError.fromJSON(500, message.error));
    else waiter.resolve(message);
  }

  private failAll(error: PortholeError): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  private send(id: number | null, message: ToWorker, onEntries?: Waiter["onEntries"]): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, onEntries });
      this.worker.postMessage(message);
    });
  }

  private call(image: ImageKey, call: ViewCall): Promise<unknown> {
    const id = this.nextId++;
    return this.send(id, { type: "call", id, image, call }).then((reply) => (reply as { value: unknown }).value);
  }

  private async filePart(image: ImageKey, file: FileRef, offset: number, length: number): Promise<FilePart> {
    const id = this.nextId++;
    return (await this.send(id, { type: "file", id, image, file, offset, length })) as FilePart;
  }

  private async *entries(image: ImageKey, digest: string, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
    const id = this.nextId++;
    const queue: LayerEntry[][] = [];
    let wake = () => {};
    const finished = this.send(id, { type: "layer", id, image, digest }, (entries) => {
      queue.push(entries);
      wake();
    });
    let done = false;
    void finished.then(
      () => ((done = true), wake()),
      () => ((done = true), wake()),
    );
    try {
      while (!done || queue.length > 0) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        for (const entries of queue.splice(0)) yield* entries;
        if (signal?.aborted) return;
      }
      await finished;
    } finally {
      if (!done) this.worker.postMessage({ type: "cancel", id } satisfies ToWorker);
    }
  }

  /** An image of the archive, each call a message to the worker. */
  readonly view = (ref: string, platform: string | null): ImageView => {
    const image = { ref, platform };
    const ask = <M extends JsonMethod>(method: M, ...args: Parameters<ImageView[M]>) =>
      this.call(image, { method, args } as ViewCall) as Promise<ViewAnswer<M>>;
    return {
      image: () => ask("image"),
      fs: (upTo) => ask("fs", upTo),
      changes: (layer, page, query) => ask("changes", layer, page, query),
      changedDirectory: (layer, path, sort) => ask("changedDirectory", layer, path, sort),
      packages: (withFiles) => ask("packages", withFiles),
      directory: (path, upTo, sort) => ask("directory", path, upTo, sort),
      search: (query, upTo, limit, after) => ask("search", query, upTo, limit, after),
      summary: (upTo) => ask("summary", upTo),
      filePart: (file, offset, length) => this.filePart(image, file, offset, length),
      layerEntries: (digest, signal) => this.entries(image, digest, signal),
    };
  };

  readonly pinned = (info: { ref: string; digest: string }): string => formatLocalRef({ ...parseLocalRef(info.ref), digest: info.digest });

  /** A local image's bytes were never on a server: the page reads them from the worker. */
  readonly fileUrl = () => null;
}
