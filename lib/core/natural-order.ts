/**
 * Natural order for names people number: `v1.9` before `v1.10`, `2` before `10`. Runs of digits
 * compare as numbers (by length first, so they never overflow), everything else by code unit.
 * Browser-safe.
 */
const RUNS = /(\d+)/;

export function naturalCompare(a: string, b: string): number {
  const left = a.split(RUNS);
  const right = b.split(RUNS);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as string;
    const y = right[i] as string;
    if (x === y) continue;
    // Odd positions are the digit runs `split` captured.
    if (i % 2 === 1) {
      const [xs, ys] = [x.replace(/^0+(?=\d)/, ""), y.replace(/^0+(?=\d)/, "")];
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return left.length - right.length || (a < b ? -1 : a > b ? 1 : 0);
}
