import type { LayerEntry } from "@/lib/core/api-types";

/** Entries are sent in batches: one message per entry would flood the page on a 100 000-entry layer. */
const BATCH_MS = 100;

/**
 * A layer's entries as they are read, `send` in batches (it says false once nobody listens any
 * more, which stops the reading); rejects when the layer turns out bad, after the entries read until then.
 */
export async function sendInBatches(entries: AsyncIterable<LayerEntry>, send: (batch: LayerEntry[]) => boolean): Promise<void> {
  let batch: LayerEntry[] = [];
  let listening = true;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (batch.length > 0 && listening) listening = send(batch);
    batch = [];
  };
  try {
    for await (const entry of entries) {
      if (!listening) return;
      batch.push(entry);
      timer ??= setTimeout(flush, BATCH_MS);
    }
  } finally {
    flush();
  }
}
