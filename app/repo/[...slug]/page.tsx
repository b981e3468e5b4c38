import type { Metadata } from "next";
import { headers } from "next/headers";
import { RepositoryTags } from "@/components/repo/RepositoryTags";
import { PATHNAME_HEADER, parseRepoUrl } from "@/lib/core/urls";

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

async function repository(): Promise<string> {
  return parseRepoUrl((await headers()).get(PATHNAME_HEADER) ?? "/repo/");
}

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${await repository()} — Porthole` };
}

export default async function RepositoryPage({ searchParams }: Props) {
  const filter = (await searchParams).filter;
  const current = await repository();
  return <RepositoryTags key={current} repository={current} initialFilter={typeof filter === "string" ? filter : ""} />;
}
