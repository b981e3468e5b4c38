import { createHash, type Hash } from "node:crypto";

/**
 * sha256 of consecutive spans of a byte stream, cut at offsets found while it streams. A cut is
 * known only once the block boundary it is at was proven, which can take several more chunks of a
 * slow download: bytes from a boundary still being proven (`pendingFrom`) are held, not hashed, and
 * otherwise hashing trails the bytes fed by `LAG` bytes (a block can begin in a byte read before).
 * Runs in the inflate worker: no server-only fence.
 */
export class SpanHasher {
  private hash: Hash = createHash("sha256");
  /** Stream offset up to which bytes went into `hash`. */
  private hashed = 0;
  private held: Uint8Array[] = [];
  private fed = 0;
  readonly digests: string[] = [];

  /** Adds the next bytes of the stream; `pendingFrom`: the offset a cut may still come at, if one is being proven. */
  feed(data: Uint8Array, pendingFrom: number | null): void {
    this.hashTo(Math.min(this.fed - LAG, pendingFrom ?? Infinity));
    this.held.push(data);
    this.fed += data.length;
  }

  /** Ends the current span at stream offset `at`: at or after the previous cut, and not before what `feed` was told may come. */
  cut(at: number): void {
    this.hashTo(at);
    this.digests.push(this.hash.digest("hex"));
    this.hash = createHash("sha256");
  }

  /** Ends the last span at the end of the stream. */
  end(): string[] {
    this.cut(this.fed);
    return this.digests;
  }

  private hashTo(at: number): void {
    while (this.hashed < at && this.held.length > 0) {
      const first = this.held[0] as Uint8Array;
      const take = Math.min(first.length, at - this.hashed);
      this.hash.update(first.subarray(0, take));
      this.hashed += take;
      if (take === first.length) this.held.shift();
      else this.held[0] = first.subarray(take);
    }
  }
}

/** How far behind the fed bytes a cut may fall: a block header starts at most one byte back. */
const LAG = 8;
