/** Seeded randomness, so every fuzz run can be replayed from its seed. */
import { Readable } from "node:stream";

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    bytes: (length: number) => Buffer.from(Array.from({ length }, () => int(256))),
  };
}
export type Prng = ReturnType<typeof prng>;

/** Feeds bytes in chunks of random sizes, so format sniffing and header parsing see every split. */
export function chunked(bytes: Buffer, random: Prng, largest = 4096): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length;) {
        const size = 1 + random.int(largest);
        yield bytes.subarray(offset, offset + size);
        offset += size;
      }
    })(),
  );
}
