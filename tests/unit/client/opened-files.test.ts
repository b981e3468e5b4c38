/**
 * A dropped folder is read through its FileSystemEntry tree (a drop gives its files no paths). Real
 * browsers cannot be made to drop a folder from a test (playwright drops files only), so the entries
 * are faked here as Chromium gives them: readEntries in batches, then an empty one.
 */
import { describe, expect, it } from "vitest";
import { dropped, pickedFolder, readFolder } from "@/lib/client/opened-files";
import { folderFiles } from "@/lib/local/archive-files";

type Tree = { [name: string]: string | Tree };

function fileEntry(name: string, text: string): FileSystemFileEntry {
  return {
    name,
    isFile: true,
    isDirectory: false,
    file: (done: (file: File) => void) => done(new File([text], name)),
  } as unknown as FileSystemFileEntry;
}

/** A directory entry whose reader hands out its entries two at a time, as Chromium does in batches of 100. */
function directoryEntry(name: string, tree: Tree): FileSystemDirectoryEntry {
  const entries = Object.entries(tree).map(([child, value]) => (typeof value === "string" ? fileEntry(child, value) : directoryEntry(child, value)));
  const createReader = () => {
    let at = 0;
    return { readEntries: (done: (batch: FileSystemEntry[]) => void) => done(entries.slice(at, (at += 2))) };
  };
  return { name, isFile: false, isDirectory: true, createReader } as unknown as FileSystemDirectoryEntry;
}

const LAYOUT: Tree = {
  "oci-layout": '{"imageLayoutVersion":"1.0.0"}',
  "index.json": "{}",
  blobs: { sha256: { aa: "a", bb: "b", cc: "c" } },
};

const text = async (blob: Blob | null) => (blob ? await blob.text() : null);

describe("opening a folder", () => {
  it("reads every file below a dropped folder, by its path inside it, through every batch", async () => {
    const files = await readFolder(directoryEntry("layout", LAYOUT));
    expect(files.map((file) => file.path).sort()).toEqual(["blobs/sha256/aa", "blobs/sha256/bb", "blobs/sha256/cc", "index.json", "oci-layout"]);
    const opened = folderFiles(files);
    expect(await text(opened.blob("blobs/sha256/cc"))).toBe("c");
    expect(await opened.size("oci-layout")).toBe(30);
  });

  it("a drop of a folder opens it under its name; a drop of a file opens the file", async () => {
    const folder = directoryEntry("my-layout", LAYOUT);
    const transfer = (entry: FileSystemEntry, files: File[]) => ({ items: [{ webkitGetAsEntry: () => entry }], files }) as unknown as DataTransfer;
    const picked = await dropped(transfer(folder, []));
    expect(picked?.name).toBe("my-layout");
    expect("folder" in picked!.opened && picked!.opened.folder.length).toBe(5);
    const archive = new File(["tar"], "image.tar");
    expect(await dropped(transfer(fileEntry("image.tar", "tar"), [archive]))).toEqual({ name: "image.tar", opened: { file: archive } });
    expect(dropped({ items: [], files: [] } as unknown as DataTransfer)).toBeNull();
  });

  it("a folder chosen with the picker: paths from the chosen folder down", () => {
    const file = (path: string) => Object.assign(new File(["x"], path.split("/").pop()!), { webkitRelativePath: path }) as File;
    const picked = pickedFolder([file("layout/index.json"), file("layout/blobs/sha256/aa")]);
    expect(picked?.name).toBe("layout");
    expect("folder" in picked!.opened && picked!.opened.folder.map((f) => f.path)).toEqual(["index.json", "blobs/sha256/aa"]);
  });
});
