/**
 * Porthole's server, compiled for production by scripts/build-server.mjs into dist/server.mjs and
 * started by `npm start`. `--no-direct-lane` sends every request through Next.js's router (the
 * bench measures what the lane saves).
 */
import { serve } from "@/lib/http/serve";

void serve({ directLane: !process.argv.includes("--no-direct-lane") });
