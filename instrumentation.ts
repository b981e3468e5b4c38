/**
 * Runs once when the server starts: settings are checked here, so a bad value (say
 * PORTHOLE_CACHE_MAX_BYTES=lots) stops start-up with a message naming the variable rather than
 * surfacing later as odd behaviour under load.
 */
export async function register() {
  const { settings, SettingsError } = await import("@/lib/config");
  try {
    settings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`Porthole cannot start: ${error.message}`);
    process.exit(1);
  }
}
