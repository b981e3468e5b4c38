import "server-only";
import { createServer, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import next from "next";
import { settings, SettingsError, type Settings } from "@/lib/config";
import { sharedRedis } from "@/lib/coord/redis";
import { frontDoor } from "@/lib/http/front-door";
import { shutdownState } from "@/lib/http/shutdown";
import { shareSessionKey } from "@/lib/session/session";

/** How long start-up waits for Redis before going on without it (it joins when it answers). */
const REDIS_START_WAIT_MS = 3000;
/** After the grace period and the streams' error lines, how long before what is left is cut. */
const FINAL_CUT_MS = 1000;

/** The settings, or the end of the process with a message naming the bad variable. */
function checkedSettings(): Settings {
  try {
    return settings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`Porthole cannot start: ${error.message}`);
    process.exit(1);
  }
}

/**
 * Porthole's server: Next.js behind the front door (front-door.ts), on HOST:PORT. The project root
 * is the folder above the compiled server (dist/), wherever it is started from.
 */
export async function serve(options: { directLane: boolean }): Promise<void> {
  const { host, port, development } = checkedSettings();
  // Redis, when set, is given a moment to answer before the first request, so the instances share a session key from the start.
  await sharedRedis()?.whenReady(REDIS_START_WAIT_MS);
  await shareSessionKey();
  const app = next({ dev: development, dir: join(import.meta.dirname, ".."), hostname: host, port });
  await app.prepare();
  const open = new Set<ServerResponse>();
  const server = createServer(frontDoor(app.getRequestHandler(), { directLane: options.directLane, open }));
  server.once("error", (error) => {
    console.error(`Porthole cannot listen on ${host}:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => console.log(`Porthole listening on http://${host}:${port}`));
  const stop = () => void shutDownGracefully(server, open, () => app.close());
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

/**
 * On SIGTERM: stop accepting connections and turn away requests still arriving on open ones (503,
 * and readiness says so), give those under way the grace period, then tell streaming listings to
 * end with an error line (never a silent cut, never a false `done`), cut whatever is still open a
 * moment later, and exit once every connection is closed.
 */
async function shutDownGracefully(server: Server, open: Set<ServerResponse>, closeApp: () => Promise<void>): Promise<void> {
  const state = shutdownState();
  state.stopping = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = setTimeout(() => {
    state.ended.abort();
    setTimeout(() => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
    }, FINAL_CUT_MS).unref();
  }, settings().shutdownGraceMs);
  deadline.unref();
  await closed;
  await closeApp().catch(() => undefined);
  process.exit(0);
}
