import { createHash, type Hash } from "node:crypto";

/**
 * sha256 of consecutive spans of a byte stream, cut at offsets found while it streams. Cuts are
 * found while the newest bytes are being inflated, and may fall a byte behind them (a block can
 * begin in a byte read before), so hashing trails the bytes fed by one feed and `LAG` bytes.
 * Runs in the inflate worker: no server-only fence.
 */
export class SpanHasher {
  private hash: Hash = createHash("sha256");
  /** Stream offset up to which bytes went into `hash`. */
  private hashed = 0;
  private held: Uint8Array[] = [];
  private fed = 0;
  readonly digests: string[] = [];

  /** Adds the next bytes of the stream. */
  feed(data: Uint8Array): void {
    this.hashTo(this.fed - LAG);
    this.held.push(data);
    this.fed += data.length;
  }

  /** Ends the current span at stream offset `at`: at or after the previous cut, and at most LAG bytes before the last feed. */
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
