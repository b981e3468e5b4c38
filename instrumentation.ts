/**
 * Runs once when the server starts: the settings are checked (a bad value, say
 * PORTHOLE_CACHE_MAX_BYTES=lots, stops start-up with a message naming the variable), then the front
 * door goes up (client addresses, rate limits, graceful shutdown) before the first request.
 */
export { register } from "@/lib/config-startup";
