import "server-only";
import { PortholeError } from "@/lib/core/errors";

/**
 * The process's shutdown state, kept on globalThis: Next.js bundles instrumentation and route
 * handlers apart, so a module-level variable would exist once per bundle; the signal must be one.
 */
interface Shutdown {
  /** Set when SIGTERM arrives: new requests are turned away. */
  stopping: boolean;
  /** Aborted when the grace period is over: responses still streaming must end now. */
  ended: AbortController;
}

const KEY = Symbol.for("porthole.shutdown");

export function shutdownState(): Shutdown {
  const holder = globalThis as { [KEY]?: Shutdown };
  holder[KEY] ??= { stopping: false, ended: new AbortController() };
  return holder[KEY];
}

/** `work`, unless the shutdown's grace period runs out first: then it fails with SHUTTING_DOWN. */
export function beforeShutdownEnds<T>(work: Promise<T>): Promise<T> {
  const { signal } = shutdownState().ended;
  if (signal.aborted) return Promise.reject(ended());
  return new Promise<T>((resolve, reject) => {
    const onEnd = () => reject(ended());
    signal.addEventListener("abort", onEnd, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onEnd));
  });
}

function ended(): PortholeError {
  return new PortholeError("SHUTTING_DOWN", "the server is shutting down: this listing was cut short; load it again");
}
