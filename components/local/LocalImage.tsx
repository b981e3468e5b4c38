"use client";

import { Explorer } from "@/components/explorer/Explorer";
import { ImageChoice, imageChoices } from "@/components/local/ImageChoice";
import { useViewAnswer } from "@/lib/client/views";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";
import { imageUrl, type Location } from "@/lib/core/urls";

/**
 * A local image's explorer; for a link that names no image of an archive that holds several (a
 * `docker save` of two tags, an OCI layout of several), the choice of them, each a link: the
 * choice goes into the URL. It asks what the explorer asks, so the answer is shared.
 */
export function LocalImage({ location }: { location: Location }) {
  const { archive, image } = parseLocalRef(location.ref);
  const { error } = useViewAnswer(image === null ? location.ref : null, location.platform, "image", [], { revalidateOnFocus: false });
  const names = imageChoices(error);
  if (!names) return <Explorer location={location} />;
  const href = (name: string) =>
    imageUrl({ ...location, ref: formatLocalRef({ archive, image: name, digest: null }), view: { kind: "fs", path: "/", upTo: null } });
  return <ImageChoice archive={archive} names={names} href={href} />;
}
