import type { ErrorBody } from "@/lib/core/errors";
import type { LayerEntry } from "@/lib/core/api-types";
import type { Opened } from "@/lib/local/archive-files";

/**
 * The messages between the page and the worker that reads a local archive. Requests name an API
 * endpoint and its query parameters as the page would send them to the server (`image`, `fs`,
 * `changes`, `packages`); `file` and `layer` carry bytes and a stream of entries.
 */
export type ToWorker =
  | { type: "open"; archive: string; opened: Opened }
  | { type: "json"; id: number; endpoint: string; params: Record<string, string> }
  | { type: "file"; id: number; params: Record<string, string>; offset: number; length: number }
  | { type: "layer"; id: number; params: Record<string, string> }
  | { type: "cancel"; id: number };

export type FromWorker =
  | { type: "opened" }
  | { type: "reply"; id: number; value: unknown }
  | { type: "part"; id: number; bytes: Uint8Array; size: number }
  | { type: "entries"; id: number; entries: LayerEntry[] }
  | { type: "failed"; id: number | null; error: ErrorBody };
