import "server-only";
import type { DiffResponse } from "@/lib/core/api-types";
import { compareLoaded } from "@/lib/compare/diff";
import type { ImageQuery } from "@/lib/service/image";
import { registryView, type SourceView } from "@/lib/service/source-view";

/**
 * Compares two images: both resolved with their own requester's credentials (each side its own
 * access check) and merged as usual. Their layer listings come from the shared cache, so a base
 * layer both images share is downloaded and read once, however many comparisons name it.
 */
export function compareImages(a: ImageQuery, b: ImageQuery): Promise<DiffResponse> {
  return compareViews(registryView(a), registryView(b));
}

/** Compares two images already opened (each resolved once, whatever else was asked of it). */
export async function compareViews(a: SourceView, b: SourceView): Promise<DiffResponse> {
  const [left, right] = await Promise.all([a.merged(), b.merged()]);
  return compareLoaded(left, right);
}
