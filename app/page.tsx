import Link from "next/link";
import { RecentRefs } from "@/components/RecentRefs";
import { RefForm } from "@/components/RefForm";
import { imageUrl } from "@/lib/client/urls";

const EXAMPLES = ["alpine:3.19", "gcr.io/distroless/static-debian12", "nginx:latest", "ghcr.io/containerd/busybox:1.36"];

export default function Home() {
  return (
    <main className="mx-auto flex min-h-screen max-w-3xl flex-col justify-center gap-8 px-6 py-16">
      <div>
        <h1 className="text-4xl font-semibold tracking-tight">Porthole</h1>
        <p className="mt-3 text-lg text-zinc-600 dark:text-zinc-400">
          Look inside any container image: every layer, every file, which layer put it there, and what each layer wastes.
        </p>
      </div>
      <RefForm />
      <section aria-label="Examples">
        <h2 className="text-sm font-medium text-zinc-500">Try</h2>
        <ul className="mt-2 flex flex-wrap gap-2">
          {EXAMPLES.map((ref) => (
            <li key={ref}>
              <Link href={imageUrl({ ref, platform: null, view: { kind: "fs", path: "/", upTo: null } })} className="rounded-md border border-zinc-200 px-2 py-1 font-mono text-sm hover:border-sky-500 dark:border-zinc-700">
                {ref}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <RecentRefs />
    </main>
  );
}
