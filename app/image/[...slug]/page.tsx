import type { Metadata } from "next";
import { Explorer } from "@/components/explorer/Explorer";
import { parseImagePath } from "@/lib/client/urls";

interface Props {
  params: Promise<{ slug: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function searchOf(values: Record<string, string | string[] | undefined>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (typeof value === "string") search.set(name, value);
  return search;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  return { title: `${parseImagePath(slug, new URLSearchParams()).ref} — Porthole` };
}

export default async function ImagePage({ params, searchParams }: Props) {
  const location = parseImagePath((await params).slug, searchOf(await searchParams));
  return <Explorer key={`${location.ref}|${location.platform}`} location={location} />;
}
