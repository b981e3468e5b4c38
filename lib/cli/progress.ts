import "server-only";
import { Transform, pipeline } from "node:stream";
import { formatBytes } from "@/lib/core/format";
import type { ImageSource } from "@/lib/service/layer-source";

const REDRAW_MS = 100;

/** The one progress line: what has been read of the layers being read. */
export function progressLine(read: number, total: number, finished: number, layers: number): string {
  return `reading layers: ${finished}/${layers} done, ${formatBytes(read)} of ${formatBytes(total)}`;
}

/**
 * The source with a progress line on `stderr` while its layers are read (downloaded, or read from
 * an archive), redrawn in place and erased when done. Only on a terminal: piped or in CI, stderr
 * carries nothing but errors. Layers whose listing is cached are not read, so they do not show.
 */
export function withProgress(source: ImageSource, stderr: NodeJS.WriteStream): { source: ImageSource; done(): void } {
  if (!stderr.isTTY) return { source, done: () => {} };
  const total = source.image.layers.reduce((sum, layer) => sum + layer.size, 0);
  let read = 0;
  let finished = 0;
  let drawn = 0;
  let shown = false;
  const draw = (force = false) => {
    if (!force && Date.now() - drawn < REDRAW_MS) return;
    drawn = Date.now();
    shown = true;
    stderr.write(`\r\x1b[K${progressLine(read, total, finished, source.layers.length)}`);
  };
  const layers = source.layers.map((layer) => ({
    ...layer,
    async open() {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          read += chunk.length;
          draw();
          next(null, chunk);
        },
        flush(next) {
          finished++;
          draw(true);
          next();
        },
      });
      // pipeline carries a failure either way: the reader sees the body's, the body is closed if the reader stops.
      return pipeline(await layer.open(), counter, () => {});
    },
  }));
  return { source: { ...source, layers }, done: () => shown && stderr.write("\r\x1b[K") };
}
