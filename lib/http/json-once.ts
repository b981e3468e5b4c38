import "server-only";

const serialized = new WeakMap<object, string>();

/**
 * The JSON text of a value that never changes once built (a merged tree, a layer's changes: derived
 * from digests, kept in memory for many viewers), serialized once and then reused: large trees are
 * megabytes of JSON, and serializing them per request is what a crowd of viewers would cost.
 */
export function jsonOnce(value: object): string {
  let text = serialized.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    serialized.set(value, text);
  }
  return text;
}

/** A JSON response from text already serialized. */
export function jsonText(text: string, headers: Record<string, string>): Response {
  return new Response(text, { headers: { "Content-Type": "application/json", ...headers } });
}
