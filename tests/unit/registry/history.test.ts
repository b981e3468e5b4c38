import { describe, expect, it } from "vitest";
import { mapHistory } from "@/lib/registry/history";

describe("mapHistory", () => {
  it("skips empty_layer entries when pairing history with layers", () => {
    const history = [
      { created_by: "ADD rootfs.tar /" },
      { created_by: "ENV A=1", empty_layer: true },
      { created_by: "RUN make" },
      { created_by: 'CMD ["sh"]', empty_layer: true },
      { created_by: "COPY . /app", comment: "buildkit" },
    ];
    const { layers, aligned } = mapHistory(history, 3);
    expect(aligned).toBe(true);
    expect(layers.map((l) => l.createdBy)).toEqual(["ADD rootfs.tar /", "RUN make", "COPY . /app"]);
    expect(layers[2]?.comment).toBe("buildkit");
  });

  it("keeps going when history does not line up, and says so", () => {
    const short = mapHistory([{ created_by: "one" }], 3);
    expect(short.aligned).toBe(false);
    expect(short.layers.map((l) => l.createdBy)).toEqual(["one", null, null]);
    const long = mapHistory([{ created_by: "a" }, { created_by: "b" }], 1);
    expect(long.aligned).toBe(false);
    expect(long.layers).toHaveLength(1);
    expect(mapHistory([], 2).aligned).toBe(false);
  });
});
