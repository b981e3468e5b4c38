import { describe, expect, it } from "vitest";
import { meantHash } from "@/lib/client/use-hash";

describe("meantHash", () => {
  it("takes the last of fragments Next.js doubled, and leaves a single one or none alone", () => {
    expect(meantHash("#treemap#treemap")).toBe("#treemap");
    expect(meantHash("#treemap#packages/deb:libc6")).toBe("#packages/deb:libc6");
    expect(meantHash("#L12-L20")).toBe("#L12-L20");
    expect(meantHash("")).toBe("");
  });
});
