import type { Metadata } from "next";
import { headers } from "next/headers";
import { Explorer } from "@/components/explorer/Explorer";
import { settings } from "@/lib/config";
import { pageFirstView } from "@/lib/http/first-view";
import { packFirstView } from "@/lib/core/packed-items";
import { PATHNAME_HEADER, parseImageUrl, type Location } from "@/lib/core/urls";

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

async function location(searchParams: Props["searchParams"]): Promise<Location> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) if (typeof value === "string") search.set(name, value);
  return parseImageUrl((await headers()).get(PATHNAME_HEADER) ?? "/image/", search);
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return { title: `${(await location(searchParams)).ref} — Porthole` };
}

/** The explorer, its first view rendered here: a shared link shows the linked file before any script runs. */
export default async function ImagePage({ searchParams }: Props) {
  const current = await location(searchParams);
  const first = await pageFirstView(current);
  const { wholeTreeMaxEntries } = settings();
  return (
    <Explorer
      key={`${current.ref}|${current.platform}`}
      location={current}
      first={first && packFirstView(first)}
      wholeTreeMax={wholeTreeMaxEntries}
    />
  );
}
