/**
 * An HTTP proxy in front of a real registry, for what the registry cannot show or do by itself:
 * it counts the requests that pass (how many instances downloaded a blob), and it can hold one
 * blob download after its first bytes until told to go on (a download under way, to kill its
 * downloader mid-way). Everything else passes through untouched.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface Held {
  path: string;
  started: () => void;
  release: Promise<void>;
}

export interface RegistryTap {
  /** `127.0.0.1:port`, to use as the registry's host in references. */
  host: string;
  /** How many requests with this method and path came through so far. */
  count(method: string, path: string): number;
  /**
   * The next GET of `path` sends its first bytes, then nothing until `release()`: resolves
   * `started` once those bytes are out. Later GETs of the path pass as usual.
   */
  hold(path: string): { started: Promise<void>; release: () => void };
  close(): Promise<void>;
}

export async function registryTap(upstream: string): Promise<RegistryTap> {
  const [upstreamHost = "", upstreamPort = ""] = upstream.split(":");
  const seen = new Map<string, number>();
  let held: Held | null = null;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?", 1)[0] as string;
    const key = `${request.method} ${path}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const holding = request.method === "GET" && held?.path === path ? held : null;
    if (holding) held = null;
    const headers = { ...request.headers, host: upstream };
    const onward = httpRequest({ host: upstreamHost, port: Number(upstreamPort), method: request.method, path: request.url, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      if (!holding) return void answer.pipe(response);
      answer.once("data", (first: Buffer) => {
        answer.pause();
        response.write(first, () => holding.started());
        void holding.release.then(() => answer.pipe(response));
      });
    });
    onward.on("error", () => response.destroy());
    response.on("close", () => onward.destroy());
    request.pipe(onward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (method, path) => seen.get(`${method} ${path}`) ?? 0,
    hold(path) {
      let started = () => {};
      let release = () => {};
      const startedPromise = new Promise<void>((resolve) => (started = resolve));
      held = { path, started, release: new Promise<void>((resolve) => (release = resolve)) };
      return { started: startedPromise, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
