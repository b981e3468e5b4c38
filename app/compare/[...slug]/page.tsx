import type { Metadata } from "next";
import { headers } from "next/headers";
import { CompareExplorer } from "@/components/compare/CompareExplorer";
import { LocalCompare } from "@/components/compare/LocalCompare";
import { pageFirstDiff } from "@/lib/http/first-view";
import { PATHNAME_HEADER, parseCompareUrl, type CompareLocation } from "@/lib/core/urls";

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

async function location(searchParams: Props["searchParams"]): Promise<CompareLocation> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) if (typeof value === "string") search.set(name, value);
  return parseCompareUrl((await headers()).get(PATHNAME_HEADER) ?? "/compare/", search);
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const { a, b } = await location(searchParams);
  return { title: `${a} vs ${b} — Porthole` };
}

export default async function ComparePage({ searchParams }: Props) {
  const current = await location(searchParams);
  // Another pair is another comparison: its tree state starts afresh; another path keeps it.
  const key = `${current.a}|${current.platformA}|${current.localA}|${current.b}|${current.platformB}|${current.localB}`;
  // A local side is read in this tab: the comparison is made there, never asked of the server.
  if (current.localA || current.localB) return <LocalCompare key={key} location={current} />;
  return <CompareExplorer key={key} location={current} first={await pageFirstDiff(current)} />;
}
