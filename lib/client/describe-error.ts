import type { PortholeError } from "@/lib/core/errors";

/** What to tell a person about an error, and what they can do next. */
export function describeError(error: PortholeError): { title: string; hint: string } {
  switch (error.code) {
    case "UNAUTHORIZED":
      return {
        title: "Authentication required",
        hint: "This image is private: sign in to its registry, or an operator can give the server credentials (PORTHOLE_DOCKER_CONFIG).",
      };
    case "DENIED":
      return { title: "Access denied", hint: "The registry refused access to this repository with the credentials we have." };
    case "HOST_NOT_ALLOWED":
      return {
        title: "This host is not allowed",
        hint: "The registry is on a private or loopback address. An operator can allow it with PORTHOLE_ALLOW_PRIVATE_HOSTS.",
      };
    case "NOT_FOUND":
      return { title: "Not found", hint: "Check the repository, tag or digest for typos, or pick another platform." };
    case "RATE_LIMITED":
      return {
        title: `Rate limited${error.retryAfter ? `, try again in ${error.retryAfter} s` : ""}`,
        hint: "The registry is limiting requests. Wait a moment and reload.",
      };
    case "BAD_REQUEST":
      return { title: "That doesn't look right", hint: "Fix the reference or link and try again." };
    case "TOO_LARGE":
      return { title: "Too large", hint: "This is over Porthole's safety limits." };
    case "UNSUPPORTED":
      return { title: "Not supported", hint: "Porthole cannot read this format." };
    case "UPSTREAM_TIMEOUT":
      return { title: "The registry timed out", hint: "It may be slow or down. Try again in a moment." };
    case "UPSTREAM_INVALID":
    case "UPSTREAM_UNAVAILABLE":
      return { title: "The registry sent something broken or is unreachable", hint: "Try again later; if it persists, the image may be corrupt." };
    default:
      return { title: "Something went wrong", hint: "Reload the page; if it keeps happening, report it." };
  }
}
