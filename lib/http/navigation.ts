import "server-only";
import type { IncomingMessage } from "node:http";

/**
 * Set by the front door on the requests of navigations inside the app: Next.js marks those with its
 * `rsc` header, which it hides from pages. The page there has its data already, so a page rendered
 * for one skips its first view (lib/http/first-view.ts), which would only slow every click down.
 */
export const IN_APP_NAVIGATION_HEADER = "x-porthole-in-app";

/** Marks `request` as a navigation inside the app, or not; whatever the client sent under the name is replaced. */
export function markNavigation(request: IncomingMessage): void {
  if (request.headers.rsc === "1") request.headers[IN_APP_NAVIGATION_HEADER] = "1";
  else delete request.headers[IN_APP_NAVIGATION_HEADER];
}
