import type { LayerEntry } from "@/lib/core/api-types";
import type { LocalImage } from "@/lib/local/local-image";

/** Entries are sent in batches: one message per entry would flood the page on a 100 000-entry layer. */
const BATCH_MS = 100;

/**
 * A layer's entries as they are read (`send` them in batches; it says false once nobody listens
 * any more), as `/api/v1/layer` streams them; rejects when the layer turns out bad, after the
 * entries read until then.
 */
export async function streamLayer(image: LocalImage, index: number, send: (entries: LayerEntry[]) => boolean): Promise<void> {
  const read = image.layer(index);
  let sent = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (sent < read.entries.length && send(read.entries.slice(sent))) sent = read.entries.length;
  };
  const listener = () => {
    timer ??= setTimeout(flush, BATCH_MS);
  };
  read.listeners.add(listener);
  try {
    flush();
    await read.done;
  } finally {
    read.listeners.delete(listener);
    if (timer) clearTimeout(timer);
    flush();
  }
}
