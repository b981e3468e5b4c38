"use client";

import { useState } from "react";
import { signIn } from "@/lib/client/api";
import { asPortholeError } from "@/lib/core/errors";

/**
 * Sign in to a registry for a private image. The credentials go to our API once, which checks them
 * with the registry and keeps them only in this browser session's sealed cookie.
 */
export function SignInForm({ registry, onSignedIn }: { registry: string; onSignedIn: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      aria-label={`Sign in to ${registry}`}
      className="space-y-2 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        const failure = await signIn(registry, username, password).then(() => null, asPortholeError);
        setBusy(false);
        if (failure) setError(failure.message);
        else onSignedIn();
      }}
    >
      <p className="text-sm">
        Sign in to <span className="font-mono">{registry}</span>. Your credentials stay in this browser session and are sent only to that registry.
      </p>
      <div className="flex flex-wrap gap-2">
        <input
          aria-label="Username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          placeholder="username"
          className="min-w-0 flex-1 rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <input
          aria-label="Password or token"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder="password or token"
          className="min-w-0 flex-1 rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button type="submit" disabled={busy || !username} className="rounded bg-sky-600 px-3 py-1 text-white disabled:opacity-50">
          {busy ? "Checking…" : "Sign in"}
        </button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-rose-600">
          {error}
        </p>
      )}
    </form>
  );
}
