import { constants, createGunzip } from "node:zlib";
import { concatBytes } from "@/lib/core/bytes";
import { blockStartBit } from "@/lib/layer/seek/block-start";
import type { Checkpoint } from "@/lib/layer/seek/protocol";

/** Deflate's largest back-reference distance. */
const WINDOW_BYTES = 32 * 1024;
const OUTPUT_PIECE = 256 * 1024;
/** Output after a boundary that a candidate start must reproduce to be taken. */
const PROOF_BYTES = 512;

/** The last WINDOW_BYTES of everything written, in a ring. */
class Window {
  private readonly ring = new Uint8Array(WINDOW_BYTES);
  private written = 0;

  write(data: Uint8Array): void {
    const tail = data.length > WINDOW_BYTES ? data.subarray(data.length - WINDOW_BYTES) : data;
    const at = (this.written + data.length - tail.length) % WINDOW_BYTES;
    const first = Math.min(tail.length, WINDOW_BYTES - at);
    this.ring.set(tail.subarray(0, first), at);
    this.ring.set(tail.subarray(first), 0);
    this.written += data.length;
  }

  copy(): Uint8Array {
    if (this.written < WINDOW_BYTES) return this.ring.slice(0, this.written);
    const at = this.written % WINDOW_BYTES;
    const linear = new Uint8Array(WINDOW_BYTES);
    linear.set(this.ring.subarray(at), 0);
    linear.set(this.ring.subarray(0, at), WINDOW_BYTES - at);
    return linear;
  }
}

/** Node's zlib binding as its own zlib.js drives it synchronously (not in Node's typings). */
interface ZlibInternals {
  _handle: {
    writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, output: Uint8Array, outOff: number, outLen: number): void;
    onerror: (message: string, errno: number) => void;
    close(): void;
  };
  /** [output bytes left, input bytes left] after the last write. */
  _writeState: Uint32Array;
}

/** A boundary zlib stopped at, waiting for the output after it to prove which bit it starts at. */
interface Candidate {
  byte: number;
  out: number;
  window: Uint8Array;
  /** The compressed bytes from the one before the boundary on, as they come. */
  input: Uint8Array[];
  proof: Uint8Array;
  proven: number;
}

/**
 * Inflates a gzip stream (one or more members, as `gzip -dc` reads them) with Node's zlib and,
 * along the way, takes a checkpoint at the first block boundary after every `span` bytes of output.
 * zlib stops at block boundaries when asked (Z_BLOCK, as zran.c does); Node's public API hides
 * that, so its binding is driven directly, as Node's own synchronous zlib does. The bit a block
 * starts at is then proven with pako (`blockStartBit`). Runs in the inflate worker.
 */
export class CheckpointingGunzip {
  private readonly stream = createGunzip() as unknown as ZlibInternals;
  private readonly window = new Window();
  /** Compressed bytes of earlier chunks, and the last of them (a block may start inside it). */
  private consumed = 0;
  private lastByte = 0;
  private produced = 0;
  private output: Uint8Array<ArrayBuffer> | null = null;
  private nextCheckpoint: number;
  private candidate: Candidate | null = null;
  private failure: string | null = null;

  constructor(
    private readonly span: number,
    private readonly onCheckpoint: (checkpoint: Checkpoint) => void,
  ) {
    this.nextCheckpoint = span;
    this.stream._handle.onerror = (message) => (this.failure = message);
  }

  /** The compressed byte a checkpoint may still be taken at (a boundary being proven), or null. */
  get pendingFrom(): number | null {
    return this.candidate ? this.candidate.byte - 1 : null;
  }

  /** Total uncompressed bytes so far. */
  get outputBytes(): number {
    return this.produced + (this.output ? OUTPUT_PIECE - this.room : 0);
  }

  private room = OUTPUT_PIECE;

  /**
   * Inflates `chunk`, yielding its output in full pieces (a few KiB of input can be gigabytes);
   * what does not fill a piece waits for the next chunk or `flush`.
   */
  *push(chunk: Uint8Array): Generator<Uint8Array> {
    this.candidate?.input.push(chunk);
    let at = 0;
    while (at < chunk.length) {
      at = this.inflate(chunk, at);
      if (this.room === 0) yield* this.flush();
    }
    this.consumed += chunk.length;
    this.lastByte = chunk.length > 0 ? (chunk[chunk.length - 1] as number) : this.lastByte;
  }

  /** The output not yielded yet. */
  *flush(): Generator<Uint8Array> {
    const output = this.output;
    if (!output || this.room === OUTPUT_PIECE) return;
    const used = OUTPUT_PIECE - this.room;
    this.output = null;
    this.room = OUTPUT_PIECE;
    this.produced += used;
    yield output.subarray(0, used);
  }

  /** Checks that the stream ended where a member does (zlib's own end-of-input check). */
  end(): void {
    const output = new Uint8Array(OUTPUT_PIECE);
    this.stream._handle.writeSync(constants.Z_FINISH, new Uint8Array(0), 0, 0, output, 0, OUTPUT_PIECE);
    this.stream._handle.close();
    if (this.failure) throw new Error(this.failure);
  }

  /** One zlib call from `chunk[at]`; returns where the next one starts. */
  private inflate(chunk: Uint8Array, at: number): number {
    if (!this.output) this.output = new Uint8Array(OUTPUT_PIECE);
    const due = !this.candidate && this.outputBytes >= this.nextCheckpoint;
    const outAt = OUTPUT_PIECE - this.room;
    this.stream._handle.writeSync(due ? constants.Z_BLOCK : constants.Z_NO_FLUSH, chunk, at, chunk.length - at, this.output, outAt, this.room);
    if (this.failure) throw new Error(this.failure);
    const [roomLeft, inputLeft] = this.stream._writeState as unknown as [number, number];
    const made = this.output.subarray(outAt, OUTPUT_PIECE - roomLeft);
    this.room = roomLeft;
    const next = chunk.length - inputLeft;
    this.window.write(made);
    this.prove(made);
    // Stopped early, with input and room left: zlib is at a block boundary.
    if (due && inputLeft > 0 && roomLeft > 0) this.candidateAt(chunk, next);
    // No progress without a boundary: the stream has ended, and what follows is not gzip (zeros).
    return next === at && !due ? chunk.length : next;
  }

  private candidateAt(chunk: Uint8Array, next: number): void {
    const before = next > 0 ? chunk.subarray(next - 1) : Uint8Array.of(this.lastByte, ...chunk);
    this.candidate = {
      byte: this.consumed + next,
      out: this.outputBytes,
      window: this.window.copy(),
      input: [before],
      proof: new Uint8Array(PROOF_BYTES),
      proven: 0,
    };
  }

  /** Feeds output made after a candidate boundary to its proof; once there is enough, finds its bit. */
  private prove(made: Uint8Array): void {
    const candidate = this.candidate;
    if (!candidate || made.length === 0) return;
    const take = made.subarray(0, PROOF_BYTES - candidate.proven);
    candidate.proof.set(take, candidate.proven);
    candidate.proven += take.length;
    if (candidate.proven < PROOF_BYTES) return;
    this.candidate = null;
    const input = candidate.input.length === 1 ? (candidate.input[0] as Uint8Array) : concatBytes(candidate.input);
    // input[0] is the byte before the boundary; a start that proves nothing is let go (the next boundary is tried).
    const bit = blockStartBit(input, 1, candidate.window, candidate.proof);
    if (bit === null) return;
    this.onCheckpoint({ bit: (candidate.byte - 1) * 8 + bit, out: candidate.out, window: candidate.window });
    this.nextCheckpoint = candidate.out + this.span;
  }
}
