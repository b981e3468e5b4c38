import { PortholeError } from "@/lib/core/errors";
import { describeError } from "@/lib/client/describe-error";

export function ErrorPanel({ error }: { error: unknown }) {
  const e = error instanceof PortholeError ? error : new PortholeError("INTERNAL", String((error as Error)?.message ?? error));
  const { title, hint } = describeError(e);
  return (
    <div
      role="alert"
      className="rounded-lg border border-rose-300 bg-rose-50 p-4 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100"
    >
      <p className="font-semibold">{title}</p>
      <p className="mt-1 text-sm">{e.message}</p>
      <p className="mt-2 text-sm opacity-80">{hint}</p>
    </div>
  );
}

export function Skeleton({ lines = 6, label }: { lines?: number; label: string }) {
  return (
    <div aria-busy="true" aria-label={label} className="animate-pulse space-y-2">
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="h-4 rounded bg-zinc-200 dark:bg-zinc-800" style={{ width: `${60 + ((i * 37) % 40)}%` }} />
      ))}
    </div>
  );
}
