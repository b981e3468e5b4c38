import { connect, createServer, type Server } from "node:net";

/**
 * A TCP proxy in front of the registry that counts the bytes the registry sends: what a request
 * to Porthole made it fetch (the app is pointed at the proxy, the registry is not told).
 */
export async function countingProxy(listen: { host: string; port: number }, upstream: { host: string; port: number }) {
  let received = 0;
  const server: Server = createServer((client) => {
    const registry = connect(upstream.port, upstream.host);
    registry.on("data", (chunk: Buffer) => (received += chunk.length));
    client.pipe(registry).pipe(client);
    const close = () => (client.destroy(), registry.destroy());
    client.on("error", close).on("close", close);
    registry.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve) => server.listen(listen.port, listen.host, resolve));
  return {
    /** Bytes the registry has sent through the proxy so far (headers included). */
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
