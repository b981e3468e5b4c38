import "server-only";
import { setTimeout as delay } from "node:timers/promises";
import { headers } from "next/headers";
import type { DiffResponse } from "@/lib/core/api-types";
import type { FirstView } from "@/lib/core/image-view";
import type { CompareLocation, Location } from "@/lib/core/urls";
import { requestedImage } from "@/lib/http/image-query";
import { compareImages } from "@/lib/service/compare";
import { firstView } from "@/lib/service/first-view";
import { registryView } from "@/lib/service/source-view";

/**
 * How long a page waits for its first view. From cache it takes milliseconds; an image read for
 * the first time can take minutes, and then the page is sent without it (the work goes on, so
 * the page's own requests find it done or under way).
 */
const FIRST_VIEW_BUDGET_MS = 2_000;

/** A comparison this big is left to the page to ask for: its HTML would carry every changed path twice. */
const MAX_RENDERED_CHANGES = 10_000;

/** What `work` gives within the budget; undefined when it is late or fails (the page then asks itself, and says what went wrong). */
async function withinBudget<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    const working = work();
    working.catch(() => undefined);
    const settled = new AbortController();
    const late = delay(FIRST_VIEW_BUDGET_MS, undefined, { signal: settled.signal }).catch(() => undefined);
    return await Promise.race([working, late]).finally(() => settled.abort());
  } catch {
    return undefined;
  }
}

/** The image a page names, with the requester's own credentials (their session cookie, else the server's). */
async function pageImage(ref: string, platform: string | null) {
  return requestedImage({ headers: await headers() }, ref, platform);
}

/** The first view of the image page `location` names. */
export function pageFirstView(location: Location): Promise<FirstView | undefined> {
  return withinBudget(async () => firstView(registryView(await pageImage(location.ref, location.platform)), location.view));
}

/** The comparison a compare page names, whole, unless it is too big to carry in the page. */
export function pageFirstDiff(location: CompareLocation): Promise<DiffResponse | undefined> {
  return withinBudget(async () => {
    const [a, b] = await Promise.all([pageImage(location.a, location.platformA), pageImage(location.b, location.platformB)]);
    const diff = await compareImages(a, b);
    return diff.changes.length <= MAX_RENDERED_CHANGES ? diff : undefined;
  });
}
