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

  constructor(
    private readonly settings: () => { streams: number; waitMs: number },
    /** The error for a wait that ran out. */
    private readonly busy: (streams: number, waitMs: number) => PortholeError,
  ) {}

  get idle(): boolean {
    return this.held === 0 && this.queue.length === 0;
  }

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
          refuse(this.busy(streams, waitMs));
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
export const upstreamStreams = new Slots(
  () => ({ streams: settings().maxUpstreamStreams, waitMs: settings().upstreamWaitMs }),
  (streams, waitMs) =>
    new PortholeError(
      "UPSTREAM_TIMEOUT",
      `server busy: ${streams} registry downloads are under way and none ended within ${waitMs / 1000} s; try again shortly`,
    ),
);

const perClient = new Map<string, Slots>();

/**
 * The downloads one client's requests may hold (PORTHOLE_MAX_STREAMS_PER_CLIENT): a fair share, so
 * one client cannot take every slot above. Past its share a client waits, then gets a 429.
 */
export function clientStreams(client: string): Slots {
  let slots = perClient.get(client);
  if (!slots) {
    slots = new Slots(
      () => ({ streams: settings().maxStreamsPerClient, waitMs: settings().upstreamWaitMs }),
      (streams) => clientBusy(client, streams),
    );
    perClient.set(client, slots);
  }
  // Clients come and go: forget the ones holding nothing, so the map stays as small as the crowd.
  for (const [other, held] of perClient) if (other !== client && held.idle) perClient.delete(other);
  return slots;
}

/** The 429 for a client whose requests already hold `streams` downloads, past the wait for one of them. */
export function clientBusy(client: string, streams: number): PortholeError {
  return new PortholeError("RATE_LIMITED", `${client} already has ${streams} registry downloads under way; try again shortly`, { retryAfter: 5 });
}

/** Gives a slot back once `body` is done with: read to its end, failed, or destroyed. */
export function releaseWhenClosed(body: Readable, release: () => void): void {
  if (body.destroyed || body.readableEnded) return release();
  body.once("end", release);
  body.once("close", release);
}
