/**
 * The raster image types Porthole previews: the API serves these with their own type, the viewer
 * shows them in an <img>. Nothing else from a layer gets a type a browser could run (no HTML, no SVG).
 */
const RASTER_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

/** The lowercase extension of a file name (`a.tar.GZ` → `gz`), or "" when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? "" : name.slice(dot + 1).toLowerCase();
}

/** The image MIME type a file name says it is, when it is a raster image we preview; else null. */
export function rasterImageType(name: string): string | null {
  return RASTER_TYPES[extensionOf(name)] ?? null;
}
