import "server-only";

/**
 * What instrumentation.ts runs when the server starts. Next.js compiles instrumentation for its
 * Node.js server and for its Edge runtime, inlining NEXT_RUNTIME in each: branching on it here, in
 * the module that imports the Node-only start, lets the Edge bundle drop that code. No route runs
 * on the Edge runtime, so there is nothing to start there.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("@/lib/http/start");
  startServer();
}
