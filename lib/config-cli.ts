import "server-only";
import { homedir } from "node:os";
import { join } from "node:path";
import { readSettings, type Settings } from "@/lib/config";

/**
 * The command line's settings: Porthole's own (the same variables as the server's), with the
 * defaults a tool run on the user's machine wants, and where Docker keeps its credentials.
 */
export interface CliEnvironment {
  settings: Settings;
  /** Config files to take registry credentials from, first found wins: PORTHOLE_DOCKER_CONFIG, then Docker's own. */
  dockerConfigs: string[];
}

export function cliEnvironment(env: Record<string, string | undefined> = process.env): CliEnvironment {
  // A cache of the user's (XDG), not a `.data` folder in whatever directory the command runs in.
  const cacheHome = env.XDG_CACHE_HOME?.trim() || join(homedir(), ".cache");
  const settings = readSettings({ ...env, PORTHOLE_CACHE_DIR: env.PORTHOLE_CACHE_DIR?.trim() || join(cacheHome, "porthole") });
  const dockerConfig = join(env.DOCKER_CONFIG?.trim() || join(homedir(), ".docker"), "config.json");
  return {
    // The user's own machine: registries on loopback and private addresses are theirs to read.
    settings: { ...settings, allowPrivateHosts: "all" },
    dockerConfigs: [...(settings.dockerConfigPath ? [settings.dockerConfigPath] : []), dockerConfig],
  };
}
