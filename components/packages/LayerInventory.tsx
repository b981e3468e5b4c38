import { layerInventoryDetail, layerInventoryText } from "@/lib/client/packages";
import type { PackageLayerChange } from "@/lib/core/api-types";

/** What a layer did to the installed packages: "+2 installed · ~1 upgraded · −1 removed"; nothing if it changed none. */
export function LayerInventory({ change }: { change: PackageLayerChange | undefined }) {
  const text = layerInventoryText(change);
  if (!change || !text) return null;
  return (
    <p className="mt-0.5 text-xs text-violet-700 dark:text-violet-400" title={layerInventoryDetail(change)} data-testid="layer-packages">
      {text}
    </p>
  );
}
