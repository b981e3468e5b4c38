"use client";

import useSWR from "swr";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { ArtifactView } from "@/components/supply/ArtifactView";
import { getJson, referrersApiUrl } from "@/lib/client/api";
import { formatBytes } from "@/lib/core/format";
import { referrerKind } from "@/lib/client/supply-chain";
import type { Referrer, ReferrersResponse } from "@/lib/core/api-types";

const SOURCE_NAMES: Record<Referrer["source"], string> = {
  api: "referrers API",
  "tag-schema": "referrers tag",
  cosign: "cosign tag",
  index: "image index",
};

interface SupplyChainPanelProps {
  /**
   * The image as the page names it: a ref pinned to the image's own digest would lose the index it
   * came through, and with it what is published about the index (cosign signs the digest a tag names).
   */
  image: { ref: string; platform: string | null };
  /** The ref pinned to its manifest digest. */
  pinned: string;
  /** The referrer whose manifest and documents are open, or null. */
  open: string | null;
  onOpen: (digest: string | null) => void;
}

function ReferrerRow({ referrer, image, open, onOpen }: { referrer: Referrer; image: string; open: boolean; onOpen: () => void }) {
  return (
    <tr className="border-t border-zinc-200 align-top dark:border-zinc-800">
      <td className="py-1 pr-2">
        <button type="button" aria-expanded={open} onClick={onOpen} className="text-left text-sky-600 hover:underline">
          {referrerKind(referrer)}
        </button>
      </td>
      <td className="py-1 pr-2 text-zinc-500">{SOURCE_NAMES[referrer.source]}</td>
      <td className="py-1 pr-2 text-zinc-500">{referrer.subject === image ? "image" : "index"}</td>
      <td className="py-1 pr-2 font-mono text-xs" title={referrer.digest}>
        {referrer.digest.slice(0, 19)}…
      </td>
      <td className="py-1 text-right tabular-nums">{formatBytes(referrer.size)}</td>
    </tr>
  );
}

/**
 * The image's supply chain: its signatures, SBOMs and attestations, wherever the registry keeps them,
 * each opening its manifest and a readable view of its documents.
 */
export function SupplyChainPanel({ image, pinned, open, onOpen }: SupplyChainPanelProps) {
  const { data, error } = useSWR<ReferrersResponse>(referrersApiUrl(image.ref, image.platform), getJson, { revalidateOnFocus: false });
  if (error !== undefined) return <ErrorPanel error={error} />;
  if (!data) return <Skeleton label="Looking for signatures and attestations" />;
  return (
    <section aria-label="Supply chain" className="space-y-3 p-3 text-sm">
      {data.referrers.length === 0 ? (
        <p className="text-zinc-500" data-testid="no-referrers">
          No signatures, SBOMs or attestations found: not through the referrers API or its tags, cosign&apos;s tags, or the image&apos;s index.
        </p>
      ) : (
        <table aria-label="Referrers" className="w-full">
          <thead className="text-left text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="pr-2 font-normal">What</th>
              <th className="pr-2 font-normal">Found in</th>
              <th className="pr-2 font-normal">Of the</th>
              <th className="pr-2 font-normal">Digest</th>
              <th className="text-right font-normal">Size</th>
            </tr>
          </thead>
          <tbody>
            {data.referrers.map((referrer) => (
              <ReferrerRow
                key={referrer.digest}
                referrer={referrer}
                image={data.digest}
                open={open === referrer.digest}
                onOpen={() => onOpen(open === referrer.digest ? null : referrer.digest)}
              />
            ))}
          </tbody>
        </table>
      )}
      {open && <ArtifactView pinned={pinned} digest={open} />}
    </section>
  );
}
