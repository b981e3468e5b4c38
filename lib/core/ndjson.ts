/** Items already written as NDJSON: `text` is `count` whole lines, each ending with a newline. */
export interface NdjsonLines {
  count: number;
  text: string;
}
