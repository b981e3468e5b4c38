import { LocalSource } from "@/lib/client/local-source";

/**
 * The archives opened in this tab, by name: a local image's links work as long as the tab keeps
 * its File (a reload, or the link in another browser, finds nothing here and says so).
 */
const opened = new Map<string, Promise<LocalSource>>();

/** Opens an archive under `name`, replacing one opened under the same name before. */
export function openLocalArchive(name: string, files: File[]): Promise<LocalSource> {
  void opened.get(name)?.then(
    (previous) => previous.close(),
    () => undefined,
  );
  const source = LocalSource.open(name, files);
  opened.set(name, source);
  source.catch(() => opened.delete(name));
  return source;
}

/** The source of an archive this tab opened, or null. */
export function localArchive(name: string): Promise<LocalSource> | null {
  return opened.get(name) ?? null;
}
