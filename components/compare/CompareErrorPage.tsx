import Link from "next/link";
import { ErrorPanel } from "@/components/ErrorPanel";
import { SignInForm } from "@/components/SignInForm";
import type { SignInSide } from "@/lib/client/compare-data";
import type { CompareLocation } from "@/lib/core/urls";

interface CompareErrorPageProps {
  location: CompareLocation;
  error: unknown;
  /** The sides whose registry wants credentials, each with its own sign-in form. */
  signIn: readonly SignInSide[];
  onSignedIn: () => void;
}

/** A comparison that cannot be shown: why, a sign-in form per registry that wants one, and a way back. */
export function CompareErrorPage({ location, error, signIn, onSignedIn }: CompareErrorPageProps) {
  return (
    <main className="mx-auto max-w-3xl space-y-4 p-8">
      <p className="break-all font-mono text-sm text-zinc-500">
        {location.a} ⟷ {location.b}
      </p>
      <ErrorPanel error={error} />
      {signIn.map(({ side, ref, registry }) => (
        <div key={registry} className="space-y-1">
          <p className="text-sm text-zinc-500">
            Image {side.toUpperCase()}: <span className="break-all font-mono">{ref}</span>
          </p>
          <SignInForm registry={registry} onSignedIn={onSignedIn} />
        </div>
      ))}
      <Link href="/" className="inline-block text-sm text-sky-600 hover:underline">
        ← Look at another image
      </Link>
    </main>
  );
}
