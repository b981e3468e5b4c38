import type { Metadata } from "next";
import { headers } from "next/headers";
import { Explorer } from "@/components/explorer/Explorer";
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

export default async function ImagePage({ searchParams }: Props) {
  const current = await location(searchParams);
  return <Explorer key={`${current.ref}|${current.platform}`} location={current} />;
}
