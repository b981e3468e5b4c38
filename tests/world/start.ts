/**
 * The real-registry test world: three Debian `docker-registry` (distribution 2.8) processes on
 * loopback — open, token auth (with our token server) and htpasswd Basic auth — started fresh in a
 * temporary folder and removed on stop. Run directly (`npx tsx tests/world/start.ts`) to keep one up.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { BASIC_REGISTRY, OPEN_REGISTRY, TEST_USER, TOKEN_REGISTRY, TOKEN_SERVER } from "./config";
import { startTokenServer, TOKEN_ISSUER, TOKEN_SERVICE, type TokenServer } from "./token-server";

export interface World {
  dir: string;
  /** A Docker config with TEST_USER's credentials for the token and Basic registries. */
  dockerConfigPath: string;
  tokenServer: TokenServer;
  stop(): Promise<void>;
}

function registryConfig(dir: string, name: string, addr: string, auth: string): string {
  const path = join(dir, `${name}.yml`);
  writeFileSync(
    path,
    `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, `${name}-data`)}
  delete:
    enabled: true
http:
  addr: ${addr}
  secret: porthole-test-${name}
${auth}`,
  );
  return path;
}

async function waitUntilUp(hostPort: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`http://${hostPort}/v2/`);
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`registry on ${hostPort} did not start:\n${readFileSync(log, "utf8")}`);
}

export async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "porthole-world-"));
  execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", join(dir, "token.key")]);
  execFileSync("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", join(dir, "token.key"), "-out", join(dir, "token.pk8")]);
  execFileSync("openssl", [
    "req",
    "-new",
    "-x509",
    "-days",
    "2",
    "-subj",
    "/CN=porthole-test-token",
    "-key",
    join(dir, "token.pk8"),
    "-out",
    join(dir, "token.crt"),
  ]);
  writeFileSync(join(dir, "htpasswd"), `${TEST_USER.username}:${bcrypt.hashSync(TEST_USER.password, 10)}\n`);

  const [tokenHost = "", tokenPort = ""] = TOKEN_SERVER.split(":");
  const tokenServer = await startTokenServer(readFileSync(join(dir, "token.pk8"), "utf8"), { host: tokenHost, port: Number(tokenPort) });

  const registries: [name: string, addr: string, auth: string][] = [
    ["open", OPEN_REGISTRY, ""],
    [
      "token",
      TOKEN_REGISTRY,
      `auth:
  token:
    realm: http://${TOKEN_SERVER}/token
    service: ${TOKEN_SERVICE}
    issuer: ${TOKEN_ISSUER}
    rootcertbundle: ${join(dir, "token.crt")}
`,
    ],
    [
      "basic",
      BASIC_REGISTRY,
      `auth:
  htpasswd:
    realm: porthole-basic
    path: ${join(dir, "htpasswd")}
`,
    ],
  ];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once("exit", resolve), child.kill("SIGTERM")))),
      ),
    );
    await new Promise<void>((resolve) => tokenServer.server.close(() => resolve()));
    tokenServer.server.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", () => children.forEach((child) => child.kill("SIGKILL")));
  try {
    await Promise.all(
      registries.map(([name, addr, auth]) => {
        const log = join(dir, `${name}.log`);
        const child = spawn("/usr/bin/docker-registry", ["serve", registryConfig(dir, name, addr, auth)], {
          stdio: ["ignore", "ignore", "pipe"],
        });
        child.stderr?.pipe(createWriteStream(log));
        children.push(child);
        return waitUntilUp(addr, child, log);
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const auth = Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString("base64");
  const dockerConfigPath = join(dir, "docker-config.json");
  writeFileSync(dockerConfigPath, JSON.stringify({ auths: { [TOKEN_REGISTRY]: { auth }, [BASIC_REGISTRY]: { auth } } }));
  return { dir, dockerConfigPath, tokenServer, stop };
}

if (process.argv[1]?.endsWith("tests/world/start.ts")) {
  const world = await startWorld();
  const { pushFixtures } = await import("./fixtures");
  await pushFixtures();
  console.log(`open ${OPEN_REGISTRY}, token ${TOKEN_REGISTRY} (realm ${TOKEN_SERVER}), basic ${BASIC_REGISTRY}`);
  console.log(`PORTHOLE_DOCKER_CONFIG=${world.dockerConfigPath} PORTHOLE_ALLOW_PRIVATE_HOSTS=1`);
  process.on("SIGINT", () => void world.stop().then(() => process.exit(0)));
}
