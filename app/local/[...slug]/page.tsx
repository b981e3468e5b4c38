import type { Metadata } from "next";
import { headers } from "next/headers";
import { LocalExplorer } from "@/components/local/LocalExplorer";
import { PATHNAME_HEADER, parseLocalUrl, type Location } from "@/lib/core/urls";

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

async function location(searchParams: Props["searchParams"]): Promise<Location> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) if (typeof value === "string") search.set(name, value);
  return parseLocalUrl((await headers()).get(PATHNAME_HEADER) ?? "/local/", search);
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return { title: `${(await location(searchParams)).ref} (local) — Porthole` };
}

/** An image in an archive opened in this browser tab: the explorer, its data read by a worker here. */
export default async function LocalImagePage({ searchParams }: Props) {
  const current = await location(searchParams);
  return <LocalExplorer key={`${current.ref}|${current.platform}`} location={current} />;
}
