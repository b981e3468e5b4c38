import type { ErrorBody } from "@/lib/core/errors";
import type { LayerEntry } from "@/lib/core/api-types";
import type { FileRef, ViewCall } from "@/lib/core/image-view";
import type { Opened } from "@/lib/local/archive-files";

/** Which image of the archive a request is about: its local ref (lib/core/local-ref.ts) and platform. */
export interface ImageKey {
  ref: string;
  platform: string | null;
}

/**
 * The messages between the page and the worker that reads a local archive: ImageView's calls,
 * typed by the interface (lib/core/image-view.ts). JSON answers come back in `reply`; a file's
 * bytes in `part` (transferred, not copied); a layer's entries in batches, then an empty `reply`.
 */
export type ToWorker =
  | { type: "open"; archive: string; opened: Opened }
  | { type: "call"; id: number; image: ImageKey; call: ViewCall }
  | { type: "file"; id: number; image: ImageKey; file: FileRef; offset: number; length: number }
  | { type: "layer"; id: number; image: ImageKey; digest: string }
  | { type: "cancel"; id: number };

export type FromWorker =
  | { type: "opened" }
  | { type: "reply"; id: number; value: unknown }
  | { type: "part"; id: number; bytes: Uint8Array; size: number }
  | { type: "entries"; id: number; entries: LayerEntry[] }
  | { type: "failed"; id: number | null; error: ErrorBody };
