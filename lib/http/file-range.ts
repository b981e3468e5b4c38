import "server-only";
import { PortholeError } from "@/lib/core/errors";
import type { Query } from "@/lib/http/respond";
import type { ByteRange } from "@/lib/service/entry-bytes";

const WHOLE_NUMBER = /^\d{1,15}$/;

function wholeNumber(text: string, what: string): number {
  if (!WHOLE_NUMBER.test(text))
    throw new PortholeError("BAD_REQUEST", `${what} must be a whole number of bytes, not ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

/**
 * The part of a file a request asks for: `offset` and `length` query parameters (the viewer's
 * pages), or an HTTP `Range: bytes=A-B` header with one range (curl -r, media players). A suffix
 * range (`bytes=-N`) or several ranges are not served as parts: the whole file is, as HTTP allows.
 */
export function requestedPart(request: Request, query: Query): ByteRange | null {
  const offset = query.get("offset");
  const length = query.get("length");
  if (offset !== null || length !== null) {
    return {
      offset: offset === null ? 0 : wholeNumber(offset, "offset"),
      length: length === null ? Number.MAX_SAFE_INTEGER : wholeNumber(length, "length"),
    };
  }
  const range = /^bytes=(\d{1,15})-(\d{0,15})$/.exec(request.headers.get("range")?.trim() ?? "");
  if (!range) return null;
  const first = Number(range[1]);
  const last = range[2] === "" ? Number.MAX_SAFE_INTEGER - 1 : Number(range[2]);
  if (last < first) return null;
  return { offset: first, length: last - first + 1 };
}
