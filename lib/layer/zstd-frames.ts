import "server-only";
import { PortholeError } from "@/lib/core/errors";

/**
 * The largest window a zstd frame may ask for: the reference decoder's own default limit
 * (ZSTD_WINDOWLOG_LIMIT_DEFAULT, 2^27 bytes); `zstd -d` refuses more unless told `--long`.
 * fzstd allocates whatever a frame asks (up to 2 GiB) and copies the whole window per block.
 */
export const MAX_ZSTD_WINDOW = 2 ** 27;

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50; // the low 4 bits are free
const DICTIONARY_ID_BYTES = [0, 1, 2, 4];
const CONTENT_SIZE_BYTES = [0, 2, 4, 8];

type State = "magic" | "skippable" | "frame header" | "block header" | "unknown";

/**
 * Walks the frame structure of a zstd stream as it passes (RFC 8878: frame headers, block headers,
 * skippable frames) without decoding anything, to do two things the decoder does not:
 * refuse frames whose window is over `maxWindow`, and cut the stream at block boundaries, so a
 * decoder fed one piece at a time produces at most one block (128 KiB) per piece.
 * Past bytes it cannot make sense of it stops walking and leaves the verdict to the decoder.
 */
export class ZstdFrameWalker {
  private state: State = "magic";
  private header = Buffer.alloc(0);
  private skip = 0;
  private checksummed = false;
  /** Stream bytes before the chunk being split. */
  private consumed = 0;

  /** `onFrame` hears the stream offset where each zstd frame (not a skippable one) begins. */
  constructor(
    private readonly maxWindow = MAX_ZSTD_WINDOW,
    private readonly onFrame: (offset: number) => void = () => {},
  ) {}

  /** Splits `chunk` into pieces that each end at most one block; throws for an oversized window. */
  split(chunk: Buffer): Buffer[] {
    const pieces: Buffer[] = [];
    let start = 0;
    let offset = 0;
    while (offset < chunk.length && this.state !== "unknown") {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, chunk.length - offset);
        this.skip -= skipped;
        offset += skipped;
        if (this.skip === 0) {
          pieces.push(chunk.subarray(start, offset)); // a block (or skippable frame) is complete
          start = offset;
        }
        continue;
      }
      const wanted = this.headerLength();
      const taken = Math.min(wanted - this.header.length, chunk.length - offset);
      this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + taken)]);
      offset += taken;
      if (this.header.length === this.headerLength()) this.advance(this.consumed + offset);
    }
    if (start < chunk.length) pieces.push(chunk.subarray(start));
    this.consumed += chunk.length;
    return pieces;
  }

  /** How many bytes the header being read has, as far as its first bytes tell. */
  private headerLength(): number {
    if (this.state === "magic" || this.state === "skippable") return this.state === "magic" ? 4 : 8;
    if (this.state === "block header") return 3;
    if (this.header.length === 0) return 1; // the frame header descriptor says the rest
    const descriptor = this.header[0] as number;
    const singleSegment = (descriptor >> 5) & 1;
    const contentSizeBytes = descriptor >> 6 === 0 ? singleSegment : (CONTENT_SIZE_BYTES[descriptor >> 6] as number);
    return 1 + (singleSegment ? 0 : 1) + (DICTIONARY_ID_BYTES[descriptor & 3] as number) + contentSizeBytes;
  }

  /** Moves past the header just read, which ends at stream offset `end`. */
  private advance(end: number): void {
    const header = this.header;
    this.header = Buffer.alloc(0);
    if (this.state === "magic") {
      const magic = header.readUInt32LE(0);
      if (magic === FRAME_MAGIC) {
        this.onFrame(end - 4);
        this.state = "frame header";
      } else if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) {
        this.state = "skippable";
        this.header = header; // its length field follows the magic
      } else {
        this.state = "unknown";
      }
    } else if (this.state === "skippable") {
      this.skip = header.readUInt32LE(4);
      this.state = "magic";
    } else if (this.state === "frame header") {
      this.checkWindow(header);
      this.checksummed = (((header[0] as number) >> 2) & 1) === 1;
      this.state = "block header";
    } else {
      const fields = header.readUIntLE(0, 3);
      const last = fields & 1;
      const type = (fields >> 1) & 3;
      if (type === 3) return void (this.state = "unknown"); // reserved: the decoder will say so
      this.skip = (type === 1 ? 1 : fields >>> 3) + (last && this.checksummed ? 4 : 0); // an RLE block is one byte
      if (last) this.state = "magic";
    }
  }

  private checkWindow(header: Buffer): void {
    const descriptor = header[0] as number;
    let window: number;
    if ((descriptor >> 5) & 1) {
      // Single segment: the window is the content size, stored after the dictionary id.
      const at = 1 + (DICTIONARY_ID_BYTES[descriptor & 3] as number);
      const bytes = header.length - at;
      window = bytes === 8 ? Number(header.readBigUInt64LE(at)) : header.readUIntLE(at, bytes) + (bytes === 2 ? 256 : 0);
    } else {
      const exponent = 10 + ((header[1] as number) >> 3);
      window = 2 ** exponent + (2 ** exponent / 8) * ((header[1] as number) & 7);
    }
    if (window > this.maxWindow) {
      throw new PortholeError(
        "TOO_LARGE",
        `the layer's zstd data needs a ${Math.ceil(window / 2 ** 20)} MiB window, over the ${this.maxWindow / 2 ** 20} MiB zstd decoders accept by default`,
      );
    }
  }
}
