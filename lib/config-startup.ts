import "server-only";

/**
 * What instrumentation.ts runs when Next.js starts, inside its route bundles: a spare inflate worker,
 * so the first layer read does not wait for a thread to boot (the settings and the front door are
 * the custom server's, server.ts). Next.js compiles instrumentation for its Node.js server and for
 * its Edge runtime, inlining NEXT_RUNTIME in each: branching on it here, in the module that imports
 * the Node-only code, lets the Edge bundle drop it. No route runs on the Edge runtime.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startSpare } = await import("@/lib/layer/seek/indexing-gunzip");
  startSpare();
}
