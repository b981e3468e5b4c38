import { CompareForm } from "@/components/compare/CompareForm";
import { OpenLocal } from "@/components/local/OpenLocal";
import { RecentRefs } from "@/components/RecentRefs";
import { RefForm } from "@/components/RefForm";
import { RefLinks } from "@/components/RefLinks";

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
      <OpenLocal />
      <RefLinks title="Try" refs={EXAMPLES} />
      <RecentRefs />
      <CompareForm />
    </main>
  );
}
