import "server-only";
import type { LayerCaptures } from "@/lib/packages/captures";
import type { GoScanResult } from "@/lib/packages/go-buildinfo";

/** Captures as one JSON document for the cache (bytes as base64). */
export function serializeCaptures(captures: LayerCaptures): string {
  return JSON.stringify({
    files: Object.fromEntries([...captures.files].map(([path, bytes]) => [path, Buffer.from(bytes).toString("base64")])),
    go: Object.fromEntries(captures.go),
  });
}

export function parseCaptures(text: string): LayerCaptures {
  const parsed = JSON.parse(text) as { files: Record<string, string>; go: Record<string, GoScanResult> };
  return {
    files: new Map(Object.entries(parsed.files).map(([path, base64]) => [path, new Uint8Array(Buffer.from(base64, "base64"))])),
    go: new Map(Object.entries(parsed.go)),
  };
}
