import "server-only";
import { setTimeout as delay } from "node:timers/promises";
import { headers } from "next/headers";
import type { DiffResponse } from "@/lib/core/api-types";
import { DIFF_PAGE, diffPage } from "@/lib/compare/diff";
import type { FirstView } from "@/lib/core/image-view";
import type { CompareLocation, Location } from "@/lib/core/urls";
import { requestedImage } from "@/lib/http/image-query";
import { IN_APP_NAVIGATION_HEADER } from "@/lib/http/navigation";
import { compareViews } from "@/lib/service/compare";
import { firstView } from "@/lib/service/first-view";
import { registryView } from "@/lib/service/source-view";

/**
 * How long a page waits for its first view, at most. A page waits only for an image whose layers
 * were listed before (here or by another instance): from them it takes milliseconds. An image read
 * for the first time can take minutes: its page is sent at once, to show the reading's progress.
 */
const FIRST_VIEW_BUDGET_MS = 2_000;

/**
 * What `work` gives within the budget, for a page loaded as a document; undefined when it is late
 * or fails (the page then asks itself, and says what went wrong), and for a navigation in the app.
 */
async function withinBudget<T>(work: () => Promise<T>): Promise<T | undefined> {
  if ((await headers()).has(IN_APP_NAVIGATION_HEADER)) return undefined;
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

/** The first view of the image page `location` names, when its layers were listed before. */
export function pageFirstView(location: Location): Promise<FirstView | undefined> {
  return withinBudget(async () => {
    const view = registryView(await pageImage(location.ref, location.platform));
    return (await view.listed()) ? firstView(view, location.view) : undefined;
  });
}

/** The comparison a compare page names, with its first page of changes (as the page asks for them). */
export function pageFirstDiff(location: CompareLocation): Promise<DiffResponse | undefined> {
  return withinBudget(async () => {
    const [a, b] = await Promise.all([pageImage(location.a, location.platformA), pageImage(location.b, location.platformB)]);
    const views = [registryView(a), registryView(b)] as const;
    const listed = await Promise.all(views.map((view) => view.listed()));
    if (!listed.every(Boolean)) return undefined;
    const diff = await compareViews(...views);
    return diffPage(diff, { limit: DIFF_PAGE });
  });
}
