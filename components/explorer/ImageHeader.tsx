"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { FsFigures, ImageInfo, Surface } from "@/lib/core/api-types";
import { CopyButton } from "@/components/CopyButton";
import { PageHeader } from "@/components/PageHeader";
import { CompareWith } from "@/components/compare/CompareWith";
import { JsonView } from "@/components/explorer/JsonView";
import { SurfaceLine } from "@/components/packages/SurfaceLine";
import { formatBytes, formatPercent } from "@/lib/core/format";
import { imageUrl, repoUrl, type Location } from "@/lib/core/urls";

function Field({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs uppercase tracking-wide text-zinc-500">{name}</dt>
      <dd className="mt-0.5 break-words font-mono text-sm">{children}</dd>
    </div>
  );
}

/** The image at a glance: ref, digest, platform, sizes, how it runs, its attack surface, and its raw JSON. */
export function ImageHeader({
  image,
  figures,
  surface,
  location,
}: {
  image: ImageInfo;
  figures: FsFigures | undefined;
  surface: Surface | undefined;
  location: Location;
}) {
  const router = useRouter();
  const { run } = image;
  const compressed = image.layers.reduce((sum, layer) => sum + layer.size, 0);
  const uncompressed = figures?.layers.reduce((sum, layer) => sum + layer.size, 0);
  const command = [...run.entrypoint, ...run.cmd];
  const layerLink = (digest: string) =>
    image.layers.some((layer) => layer.digest === digest) ? imageUrl({ ...location, view: { kind: "layer", digest, path: "/" } }) : null;
  const current = `${image.platform.os}/${image.platform.architecture}${image.platform.variant ? `/${image.platform.variant}` : ""}`;
  return (
    <PageHeader
      title={
        <>
          <h1 className="min-w-0 break-all font-mono text-lg font-semibold" data-testid="image-ref">
            {image.ref}
          </h1>
          {image.index && (
            <label className="flex items-center gap-2 text-sm">
              <span className="text-zinc-500">Platform</span>
              <select
                aria-label="Platform"
                value={current}
                onChange={(event) => {
                  const url = imageUrl({ ...location, platform: event.target.value, view: { kind: "fs", path: "/", upTo: null } });
                  // A local image lives in this tab's memory: a page load would lose it.
                  if (location.local) router.push(url);
                  else window.location.href = url;
                }}
                className="rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
              >
                {image.index.platforms.map((p) => {
                  const value = `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
                  return (
                    <option key={p.digest} value={value}>
                      {value}
                    </option>
                  );
                })}
              </select>
            </label>
          )}
          {!location.local && (
            <Link href={repoUrl(`${image.registry}/${image.repository}`)} className="text-sm text-sky-600 hover:underline">
              Tags of {image.repository}
            </Link>
          )}
          <CompareWith image={image} />
        </>
      }
    >
      <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-zinc-500">
        <span className="font-mono" data-testid="manifest-digest">
          {image.digest}
        </span>
        <CopyButton text={image.digest} label="Copy manifest digest" />
        <span>· {image.layers.length} layers</span>
        <span>· {formatBytes(compressed)} compressed</span>
        {uncompressed !== undefined && <span>· {formatBytes(uncompressed)} uncompressed</span>}
        {figures && (
          <span title="dive's efficiency score">
            · efficiency {formatPercent(figures.efficiency)} · wasted {formatBytes(figures.wastedBytes)} · reclaimable{" "}
            {formatBytes(figures.reclaimableBytes)}
          </span>
        )}
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 md:grid-cols-4">
        <Field name="Command">{command.length ? command.join(" ") : "—"}</Field>
        <Field name="User">{run.user || "root (default)"}</Field>
        <Field name="Workdir">{run.workingDir || "/"}</Field>
        <Field name="Created">{String(image.config.created ?? "—")}</Field>
      </dl>
      {surface && <SurfaceLine surface={surface} hrefFor={(path) => imageUrl({ ...location, view: { kind: "fs", path, upTo: null } })} />}
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200">
          Environment, labels, manifest and config
        </summary>
        <div className="mt-2 grid gap-4 md:grid-cols-2">
          <div>
            <h2 className="font-medium">Environment</h2>
            <ul className="mt-1 font-mono text-xs">
              {run.env.map((e) => (
                <li key={e} className="break-all">
                  {e}
                </li>
              ))}
            </ul>
            <h2 className="mt-3 font-medium">Labels</h2>
            <ul className="mt-1 font-mono text-xs">
              {Object.entries(run.labels).map(([k, v]) => (
                <li key={k} className="break-all">
                  {k}={v}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h2 className="font-medium">
              Manifest <span className="font-mono text-xs text-zinc-500">{image.digest}</span>
            </h2>
            <JsonView value={image.manifest} linkFor={layerLink} />
            <h2 className="mt-3 font-medium">
              Config <span className="font-mono text-xs text-zinc-500">{image.configDigest}</span>
            </h2>
            <JsonView value={image.config} linkFor={() => null} />
          </div>
        </div>
      </details>
    </PageHeader>
  );
}
