import { LocalSource } from "@/lib/client/local-source";
import type { Opened } from "@/lib/local/archive-files";

/**
 * The archives opened in this tab, by name: a local image's links work as long as the tab keeps
 * its File (a reload, or the link in another browser, finds nothing here and says so).
 */
const opened = new Map<string, Promise<LocalSource>>();

/** Opens an archive under `name`, replacing one opened under the same name before. */
export function openLocalArchive(name: string, what: Opened): Promise<LocalSource> {
  void opened.get(name)?.then(
    (previous) => previous.close(),
    () => undefined,
  );
  const source = LocalSource.open(name, what);
  opened.set(name, source);
  source.catch(() => opened.delete(name));
  return source;
}

/** The source of an archive this tab opened, or null. */
export function localArchive(name: string): Promise<LocalSource> | null {
  return opened.get(name) ?? null;
}

/** The names of the archives opened in this tab, in the order they were first opened. */
export function openedArchives(): string[] {
  return [...opened.keys()];
}
