import "server-only";
import type { IncomingMessage } from "node:http";

const TICKS_PER_WINDOW = 10;

/**
 * Aborts a response body that a registry trickles: fewer than `bytesPerSecond` over the last
 * `windowMs` of time in which we were ready to read. Time in which we were not (our own consumer
 * applying backpressure: a slow client, a busy decoder) is excused, so only the registry's pace
 * counts. Bytes are read off the socket's counter: no listener that could change how the body flows.
 */
export function enforceMinimumRate(
  body: IncomingMessage,
  limits: { bytesPerSecond: number; windowMs: number },
  tooSlow: (bytes: number) => void,
): void {
  const socket = body.socket;
  if (!socket || limits.bytesPerSecond <= 0) return;
  const tickMs = Math.max(10, limits.windowMs / TICKS_PER_WINDOW);
  const floor = (limits.bytesPerSecond * limits.windowMs) / 1000;
  const recent: number[] = [];
  let lastRead = socket.bytesRead;
  const timer = setInterval(() => {
    const read = socket.bytesRead - lastRead;
    lastRead = socket.bytesRead;
    // A full buffer means the registry is waiting for us, however the body is consumed (pipe, iterator).
    if (body.readableLength >= body.readableHighWaterMark) return;
    recent.push(read);
    if (recent.length > TICKS_PER_WINDOW) recent.shift();
    const total = recent.reduce((sum, bytes) => sum + bytes, 0);
    if (recent.length === TICKS_PER_WINDOW && total < floor) {
      clearInterval(timer);
      tooSlow(total);
    }
  }, tickMs);
  timer.unref();
  body.once("close", () => clearInterval(timer));
}
