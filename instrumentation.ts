/** Runs once when Next.js starts inside the server: see lib/config-startup.ts. */
export { register } from "@/lib/config-startup";
