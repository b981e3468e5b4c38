import "server-only";
import { PortholeError } from "@/lib/core/errors";
import type { ImageInfo } from "@/lib/core/api-types";

/** `--layer N` (0 is the bottom) or `--layer DIGEST`, as the index of one of the image's layers. */
export function layerIndex(image: ImageInfo, choice: string): number {
  const index = /^\d+$/.test(choice) ? Number(choice) : image.layers.findIndex((layer) => layer.digest === choice);
  if (index < 0 || index >= image.layers.length) {
    throw new PortholeError(
      "NOT_FOUND",
      `the image has ${image.layers.length} layers (0 to ${image.layers.length - 1}); there is no layer ${choice}`,
    );
  }
  return index;
}
