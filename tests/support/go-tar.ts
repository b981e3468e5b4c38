/**
 * Go's archive/tar as the oracle for reading tars: Docker, containerd, BuildKit and dive unpack
 * layers with it. `goTarListing` lists a tar file as a runtime would: every header Next returns
 * (global PAX headers left out, as runtimes skip them), each entry's data read whole, and how the
 * archive ended: cleanly, or with the error Go gave.
 */
import { execFileSync } from "node:child_process";
import { goProgram } from "@/tests/support/go-build";

const LISTER = `package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
)

type entry struct {
	Name     string \`json:"name"\`
	Type     string \`json:"type"\`
	Size     int64  \`json:"size"\`
	Mode     int64  \`json:"mode"\`
	Uid      int    \`json:"uid"\`
	Gid      int    \`json:"gid"\`
	Mtime    int64  \`json:"mtime"\`
	Linkname string \`json:"linkname"\`
	Cap      string \`json:"capability"\`
	Data     string \`json:"data"\`
}

func main() {
	file, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	out := json.NewEncoder(os.Stdout)
	reader := tar.NewReader(file)
	for {
		header, err := reader.Next()
		if err == io.EOF {
			out.Encode(map[string]bool{"end": true})
			return
		}
		if err != nil {
			out.Encode(map[string]string{"error": err.Error()})
			return
		}
		hash := sha256.New()
		if _, err := io.Copy(hash, reader); err != nil {
			out.Encode(map[string]string{"error": err.Error()})
			return
		}
		if header.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		out.Encode(entry{
			Name: hex.EncodeToString([]byte(header.Name)), Type: string(header.Typeflag), Size: header.Size, Mode: header.Mode,
			Uid: header.Uid, Gid: header.Gid, Mtime: header.ModTime.Unix(), Linkname: hex.EncodeToString([]byte(header.Linkname)),
			Cap: hex.EncodeToString([]byte(header.PAXRecords["SCHILY.xattr.security.capability"])), Data: hex.EncodeToString(hash.Sum(nil)),
		})
	}
}
`;

/** One entry as Go read it: names and link names as hex of their bytes, the data's sha256 in hex. */
export interface GoTarEntry {
  name: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string;
  capability: string;
  data: string;
}

export interface GoTarListing {
  entries: GoTarEntry[];
  /** Go's error, when it refused the archive (after `entries`). */
  error?: string;
}

const lister = () => goProgram("porthole-go-tar", { "go.mod": "module example.com/gotar\n\ngo 1.18\n", "main.go": LISTER }, ".");

export function goTarListing(path: string): GoTarListing {
  const lines = execFileSync(lister(), [path], { encoding: "utf8", maxBuffer: 256 * 2 ** 20 })
    .trim()
    .split("\n");
  const listing: GoTarListing = { entries: [] };
  for (const line of lines) {
    const value = JSON.parse(line) as GoTarEntry | { end: true } | { error: string };
    if ("error" in value) listing.error = value.error;
    else if (!("end" in value)) listing.entries.push(value);
  }
  return listing;
}
