import "server-only";
import { settings, SettingsError } from "@/lib/config";
import { installFrontDoor } from "@/lib/http/front-door";
import { startSpare } from "@/lib/layer/seek/indexing-gunzip";

/** Checks the settings (a bad one ends the process, naming the variable), opens the front door, and starts a spare inflate worker. */
export function startServer(): void {
  try {
    settings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`Porthole cannot start: ${error.message}`);
    process.exit(1);
  }
  installFrontDoor();
  startSpare();
}
