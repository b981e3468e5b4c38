import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";
import type { DataSource } from "@/lib/client/data-source";
import type { Opened } from "@/lib/local/archive-files";
import type { FromWorker, ToWorker } from "@/lib/local/protocol";

type Waiter = { resolve(message: FromWorker): void; reject(error: PortholeError): void; onEntries?(entries: LayerEntry[]): void };

/** An API URL's endpoint and query parameters, as the worker answers them. */
function request(url: string): { endpoint: string; params: Record<string, string> } {
  const parsed = new URL(url, "http://local.invalid");
  return { endpoint: parsed.pathname.replace(/^\/api\/v1\//, ""), params: Object.fromEntries(parsed.searchParams) };
}

/**
 * A local archive's data source: a Web Worker that holds the File and answers the explorer's API
 * requests from it. Nothing is sent anywhere: the File goes to the worker by reference.
 */
export class LocalSource implements DataSource {
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

  readonly getJson = async <T>(url: string): Promise<T> => {
    const id = this.nextId++;
    const reply = await this.send(id, { type: "json", id, ...request(url) });
    return (reply as { value: T }).value;
  };

  readonly readFilePart = async (url: string, offset: number, length: number): Promise<{ bytes: Uint8Array; size: number }> => {
    const id = this.nextId++;
    const reply = await this.send(id, { type: "file", id, params: request(url).params, offset, length });
    return reply as { bytes: Uint8Array; size: number };
  };

  readonly layerEntries = (ref: string, digest: string, signal?: AbortSignal) => this.entries(ref, digest, signal);

  private async *entries(ref: string, digest: string, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
    const id = this.nextId++;
    const queue: LayerEntry[][] = [];
    let wake = () => {};
    const finished = this.send(id, { type: "layer", id, params: { ref, digest } }, (entries) => {
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

  readonly pinned = (info: { ref: string; digest: string }): string => formatLocalRef({ ...parseLocalRef(info.ref), digest: info.digest });

  readonly fileHref = async (url: string, size: number): Promise<string> => {
    const { bytes } = await this.readFilePart(url, 0, size);
    return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  };
}
