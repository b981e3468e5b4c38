import "server-only";
import { Decompress } from "fzstd";
import { ZstdFrameWalker } from "@/lib/layer/zstd-frames";

/**
 * Decodes a zstd stream from a frame start: fed the compressed bytes from there on, it yields the
 * uncompressed bytes from the frame's offset on. As in a layer read, the walker cuts the input at
 * block ends so that fzstd, which decodes all it is given at once, yields at most a block per piece.
 */
export class ResumedZstd {
  private readonly walker = new ZstdFrameWalker();
  private readonly output: Uint8Array[] = [];
  private readonly decoder = new Decompress((data) => this.output.push(data));

  *push(chunk: Uint8Array): Generator<Uint8Array> {
    for (const piece of this.walker.split(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
      this.decoder.push(piece);
      yield* this.output.splice(0);
    }
  }
}
