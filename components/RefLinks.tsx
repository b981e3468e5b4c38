import Link from "next/link";
import { imageUrl } from "@/lib/core/urls";

/** A titled row of image references, each a link to its image page. */
export function RefLinks({ title, refs }: { title: string; refs: readonly string[] }) {
  return (
    <section aria-label={title}>
      <h2 className="text-sm font-medium text-zinc-500">{title}</h2>
      <ul className="mt-2 flex flex-wrap gap-2">
        {refs.map((ref) => (
          <li key={ref}>
            <Link
              href={imageUrl({ ref, platform: null, view: { kind: "fs", path: "/", upTo: null } })}
              className="rounded-md border border-zinc-200 px-2 py-1 font-mono text-sm hover:border-sky-500 dark:border-zinc-700"
            >
              {ref}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
