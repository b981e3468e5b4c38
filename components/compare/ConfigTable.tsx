import { SidesHead } from "@/components/compare/SidesHead";
import type { ConfigDifference } from "@/lib/core/api-types";

/** A config value as text (React escapes it: labels and commands are attacker-written); null is "not set". */
function Value({ value }: { value: string | null }) {
  if (value === null) return <span className="italic text-zinc-400">not set</span>;
  return <span className="whitespace-pre-wrap break-all">{value}</span>;
}

/** What the two images' configs set differently: user, command, environment, labels, ports, platform. */
export function ConfigTable({ config }: { config: readonly ConfigDifference[] }) {
  return (
    <section aria-label="Config differences" className="rounded border border-zinc-200 dark:border-zinc-800">
      <h2 className="border-b border-zinc-200 px-3 py-2 text-sm font-medium dark:border-zinc-800">
        Config differences <span className="font-normal text-zinc-500">({config.length})</span>
      </h2>
      {config.length === 0 ? (
        <p className="p-3 text-sm text-zinc-500">Both images set the same user, command, environment, labels, ports and volumes.</p>
      ) : (
        <table className="w-full table-fixed text-left font-mono text-xs">
          <SidesHead first="field" firstClass="w-1/4" />
          <tbody>
            {config.map((difference) => (
              <tr key={difference.field} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                <th scope="row" className="break-all px-3 py-1 font-medium">
                  {difference.field}
                </th>
                <td className="bg-rose-50/60 px-3 py-1 dark:bg-rose-950/30">
                  <Value value={difference.a} />
                </td>
                <td className="bg-emerald-50/60 px-3 py-1 dark:bg-emerald-950/30">
                  <Value value={difference.b} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
