import Link from "next/link";
import { PageHeader } from "@/components/PageHeader";
import { PortholeError } from "@/lib/core/errors";

/** The names of the images an archive holds, when the reader refused to guess which one was meant. */
export function imageChoices(error: unknown): string[] | null {
  const images = error instanceof PortholeError ? error.details?.images : undefined;
  return Array.isArray(images) && images.every((name) => typeof name === "string") ? images : null;
}

/** The images of an archive that holds several, each a link (`href`) that puts the choice into the URL; the way home above. */
export function ImageChoice({
  archive,
  names,
  href,
  purpose,
}: {
  archive: string;
  names: string[];
  href: (name: string) => string;
  purpose?: string;
}) {
  return (
    <>
      <PageHeader
        title={
          <h1 className="text-lg font-semibold">
            <span className="font-mono">{archive}</span> holds {names.length} images: choose one{purpose ? ` ${purpose}` : ""}
          </h1>
        }
      >
        {null}
      </PageHeader>
      <main className="mx-auto max-w-3xl p-6">
        <ul aria-label="Images in the archive" className="space-y-1">
          {names.map((name) => (
            <li key={name}>
              <Link href={href(name)} className="font-mono text-sky-600 hover:underline">
                {name}
              </Link>
            </li>
          ))}
        </ul>
      </main>
    </>
  );
}
