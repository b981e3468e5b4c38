import { useSyncExternalStore } from "react";

const unchanging = () => () => undefined;

/** This page's origin, for absolute links; "" while rendering on the server, so hydration matches. */
export function useOrigin(): string {
  return useSyncExternalStore(
    unchanging,
    () => window.location.origin,
    () => "",
  );
}
