"use client";

import { useEffect, useState } from "react";
import { RefLinks } from "@/components/RefLinks";
import { recentRefs } from "@/lib/client/recent";

/** The references this browser looked at last (localStorage: read after hydration). */
export function RecentRefs() {
  const [refs, setRefs] = useState<string[]>([]);
  useEffect(() => setRefs(recentRefs()), []);
  return refs.length > 0 ? <RefLinks title="Recent" refs={refs} /> : null;
}
