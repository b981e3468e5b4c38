import Link from "next/link";
import type { ReactNode } from "react";

/** The top of an image's or a comparison's page: the way home and the page's title row, then what the page shows below it. */
export function PageHeader({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <header className="border-b border-zinc-200 px-6 py-4 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/" className="font-semibold text-sky-600">
          Porthole
        </Link>
        {title}
      </div>
      {children}
    </header>
  );
}
