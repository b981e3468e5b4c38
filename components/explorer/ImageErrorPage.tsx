import Link from "next/link";
import { ErrorPanel } from "@/components/ErrorPanel";
import { SignInForm } from "@/components/SignInForm";
import { PortholeError } from "@/lib/core/errors";
import { parseReference } from "@/lib/core/reference";

const needsSignIn = (error: unknown) => error instanceof PortholeError && (error.code === "UNAUTHORIZED" || error.code === "DENIED");

/** The page for an image that cannot be shown: why, a sign-in form if credentials would help, and a way back. */
export function ImageErrorPage({ imageRef, error, onSignedIn }: { imageRef: string; error: unknown; onSignedIn: () => void }) {
  return (
    <main className="mx-auto max-w-3xl space-y-4 p-8">
      <p className="font-mono text-sm text-zinc-500">{imageRef}</p>
      <ErrorPanel error={error} />
      {/* The server answered about the registry, so it parsed the ref with these same rules. */}
      {needsSignIn(error) && <SignInForm registry={parseReference(imageRef).registry} onSignedIn={onSignedIn} />}
      <Link href="/" className="inline-block text-sm text-sky-600 hover:underline">
        ← Look at another image
      </Link>
    </main>
  );
}
