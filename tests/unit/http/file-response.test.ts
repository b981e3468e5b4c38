import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { fileResponse } from "@/lib/http/file-response";

const LAYER = `sha256:${"cd".repeat(32)}`;

function opened(path: string, content: Buffer) {
  const entry: LayerEntry = { path, type: "file", size: content.length, mode: 0o644, uid: 0, gid: 0, mtime: 0 };
  return { entry, content: Readable.from([content]), layerDigest: LAYER, via: "stream" as const };
}

const serve = (path: string, content: string | Buffer, download = false) =>
  fileResponse(opened(path, Buffer.from(content)), { download, cacheControl: "private, no-cache" });

describe("fileResponse: bytes from a layer are hostile", () => {
  it("serves HTML and SVG as plain text, sandboxed and never sniffed", async () => {
    for (const path of ["/www/index.html", "/icons/logo.svg"]) {
      const response = await serve(path, "<script>alert(1)</script>");
      expect(response.headers.get("Content-Type"), path).toBe("text/plain; charset=utf-8");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Content-Security-Policy")).toMatch(/^sandbox/);
    }
  });

  it("keeps raster image types for previews, and calls bytes with a NUL binary", async () => {
    expect((await serve("/a/photo.JPG", "\xff\xd8")).headers.get("Content-Type")).toBe("image/jpeg");
    expect((await serve("/bin/tool", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]))).headers.get("Content-Type")).toBe("application/octet-stream");
  });

  it("sends every byte with its length, the layer it came from and the caller's caching", async () => {
    const response = await serve("/etc/hosts", "127.0.0.1 localhost\n");
    expect(response.headers.get("Content-Length")).toBe("20");
    expect(response.headers.get("X-Porthole-Layer")).toBe(LAYER);
    expect(response.headers.get("Cache-Control")).toBe("private, no-cache");
    expect(await response.text()).toBe("127.0.0.1 localhost\n");
  });

  it("names a download by its real bytes, with a safe ASCII fallback", async () => {
    const response = await serve('/tmp/caf%E9 "x".txt', "x", true);
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="caf_E9 _x_.txt"; filename*=UTF-8''caf%E9%20%22x%22.txt`);
  });
});
