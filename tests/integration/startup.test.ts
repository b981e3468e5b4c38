import { describe, expect, it } from "vitest";
import { spawnApp } from "@/tests/world/app";

describe("start-up", () => {
  it("refuses to start on a setting that does not parse, naming the variable", async () => {
    const app = spawnApp("http://127.0.0.1:3198", { PORTHOLE_CACHE_MAX_BYTES: "lots" });
    const code = await new Promise<number | null>((resolve) => app.child.once("exit", resolve));
    await app.stop();
    expect(code).toBe(1);
    expect(app.output()).toContain('Porthole cannot start: PORTHOLE_CACHE_MAX_BYTES="lots" is not valid: expected a whole number of bytes');
  });
});
