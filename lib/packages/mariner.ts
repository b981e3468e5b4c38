/**
 * The package manifest of Azure Linux / CBL-Mariner distroless images, which carry no rpm database:
 * /var/lib/rpmmanifest/container-manifest-2, one line a package, written by
 *   rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{BUILDTIME}\t%{VENDOR}\t%{EPOCH}\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}\n'
 * so the columns are those ten, `(none)` standing for a missing epoch or arch. It lists no files.
 */
import { decodeDatabase, linesOf, MAX_PACKAGES, readDatabases, type Report } from "@/lib/packages/text";
import type { CatalogResult, FoundPackage, ImageFiles } from "@/lib/packages/types";

const MANIFEST = "/var/lib/rpmmanifest/container-manifest-2";
const COLUMNS = { name: 0, versionRelease: 1, epoch: 5, arch: 7 } as const;
const COLUMN_COUNT = 10;
/** What rpm prints for a tag the header lacks. */
const NONE = "(none)";

/** Whether the manifest parser needs this image file. */
export function marinerWants(path: string): boolean {
  return path === MANIFEST;
}

/** The packages the manifest lists. */
export function readMariner(files: ImageFiles): CatalogResult {
  return readDatabases(files, [MANIFEST], (bytes, _db, packages, report) => {
    const text = decodeDatabase(bytes, report);
    if (text === undefined) return;
    for (const line of linesOf(text, report)) {
      if (line.text.trim() === "") continue;
      if (packages.length >= MAX_PACKAGES) {
        report(`the catalog already holds ${MAX_PACKAGES} packages: the rest of this manifest is not read`);
        break;
      }
      const found = manifestLine(line.text, line.number, report);
      if (found) packages.push(found);
    }
  });
}

/** A value quoted in a problem, cut short: a hostile line can be long. */
const shown = (value: string) => (value.length > 64 ? `${value.slice(0, 64)}…` : value);

function manifestLine(text: string, number: number, report: Report): FoundPackage | undefined {
  const columns = text.split("\t");
  if (columns.length !== COLUMN_COUNT) {
    report(`line ${number} has ${columns.length} tab-separated columns, not ${COLUMN_COUNT}: skipped`);
    return undefined;
  }
  const column = (index: number) => (columns[index] as string).trim();
  const name = column(COLUMNS.name);
  const versionRelease = column(COLUMNS.versionRelease);
  const epoch = column(COLUMNS.epoch);
  if (!name || !versionRelease) {
    report(`line ${number} lacks a package name or version: skipped`);
    return undefined;
  }
  if (epoch !== NONE && !/^\d+$/.test(epoch)) {
    report(`line ${number} (${shown(name)}) has the epoch "${shown(epoch)}", which is no number: skipped`);
    return undefined;
  }
  const found: FoundPackage = { type: "rpm", name, version: epoch === NONE ? versionRelease : `${epoch}:${versionRelease}`, db: MANIFEST };
  const arch = column(COLUMNS.arch);
  if (arch && arch !== NONE) found.arch = arch;
  return found;
}
