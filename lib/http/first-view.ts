import "server-only";
import { setTimeout as delay } from "node:timers/promises";
import { headers } from "next/headers";
import type { Location } from "@/lib/core/urls";
import { requestedImage } from "@/lib/http/image-query";
import type { FirstView } from "@/lib/core/image-view";
import { firstView } from "@/lib/service/first-view";
import { registryView } from "@/lib/service/source-view";

/**
 * How long a page waits for its first view. From cache it takes milliseconds; an image read for
 * the first time can take minutes, and then the page is sent without it (the work goes on, so
 * the page's own requests find it done or under way).
 */
const FIRST_VIEW_BUDGET_MS = 2_000;

/**
 * The first view of the image page `location` names, read with the requester's own credentials
 * (their session cookie, else the server's): undefined when it cannot be had in time, or fails,
 * and the page then asks for it itself and says what went wrong.
 */
export async function pageFirstView(location: Location): Promise<FirstView | undefined> {
  try {
    const query = await requestedImage({ headers: await headers() }, location.ref, location.platform);
    const work = firstView(registryView(query), location.view);
    work.catch(() => undefined);
    const settled = new AbortController();
    const late = delay(FIRST_VIEW_BUDGET_MS, undefined, { signal: settled.signal }).catch(() => undefined);
    return await Promise.race([work, late]).finally(() => settled.abort());
  } catch {
    return undefined;
  }
}
