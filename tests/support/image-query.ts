import { parsePlatform } from "@/lib/core/platform";
import { parseReference } from "@/lib/core/reference";
import type { AuthOptions } from "@/lib/registry/auth";
import type { ImageQuery } from "@/lib/service/image";

/** What the API's edge makes of `?ref=…&platform=…`, for tests that call services directly (server credentials unless given). */
export function imageQueryOf(ref: string, options: { platform?: string; auth?: AuthOptions } = {}): ImageQuery {
  return { ref: parseReference(ref), platform: options.platform ? parsePlatform(options.platform) : null, auth: options.auth ?? {} };
}
