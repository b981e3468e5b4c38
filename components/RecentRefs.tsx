"use client";

import { RefLinks } from "@/components/RefLinks";
import { useRecentRefs } from "@/lib/client/recent";

/** The references this browser looked at last. */
export function RecentRefs() {
  const refs = useRecentRefs();
  return refs.length > 0 ? <RefLinks title="Recent" refs={refs} /> : null;
}
