/** Items already written as NDJSON: `bytes` is `count` whole lines in UTF-8, each ending with a newline. */
export interface NdjsonLines {
  count: number;
  /** Encoded once, where the lines are made: the cache and every viewer are sent the same bytes. */
  bytes: Uint8Array;
}
