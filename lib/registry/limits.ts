import "server-only";
import type { Readable } from "node:stream";
import { settings } from "@/lib/config";
import { PortholeError } from "@/lib/core/errors";

interface Waiter {
  grant(release: () => void): void;
  timer: NodeJS.Timeout;
}

/**
 * A counting semaphore with a FIFO queue and a bounded wait: at most `streams` holders at once;
 * the others wait in arrival order, and give up with UPSTREAM_TIMEOUT ("server busy") after
 * `waitMs`. Each grant comes with its own release, which is safe to call more than once.
 */
export class Slots {
  private held = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly settings: () => { streams: number; waitMs: number }) {}

  get inUse(): number {
    return this.held;
  }

  get waiting(): number {
    return this.queue.length;
  }

  acquire(): Promise<() => void> {
    const { streams, waitMs } = this.settings();
    if (this.held < streams && this.queue.length === 0) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((grant, refuse) => {
      const waiter: Waiter = {
        grant,
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          refuse(
            new PortholeError(
              "UPSTREAM_TIMEOUT",
              `server busy: ${streams} registry downloads are under way and none ended within ${waitMs / 1000} s; try again shortly`,
            ),
          );
        }, waitMs),
      };
      this.queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    const { streams } = this.settings();
    while (this.held < streams && this.queue.length > 0) {
      const waiter = this.queue.shift() as Waiter;
      clearTimeout(waiter.timer);
      this.held++;
      waiter.grant(this.releaser());
    }
  }
}

/**
 * Blob bodies open at once across the server (PORTHOLE_MAX_UPSTREAM_STREAMS, default 32). Each
 * holds a registry connection and feeds a decoder, so without a bound a burst of viewers of large
 * images would open sockets and memory without end.
 */
export const upstreamStreams = new Slots(() => ({ streams: settings().maxUpstreamStreams, waitMs: settings().upstreamWaitMs }));

/** Gives a slot back once `body` is done with: read to its end, failed, or destroyed. */
export function releaseWhenClosed(body: Readable, release: () => void): void {
  if (body.destroyed || body.readableEnded) return release();
  body.once("end", release);
  body.once("close", release);
}
