import type { Metadata } from "next";
import { headers } from "next/headers";
import { CompareExplorer } from "@/components/compare/CompareExplorer";
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
  return <CompareExplorer key={`${current.a}|${current.platformA}|${current.b}|${current.platformB}`} location={current} />;
}
