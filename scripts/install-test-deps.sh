#!/usr/bin/env bash
# Installs the Debian packages tests need, if any is missing: the registry, Chromium, openssl (token
# server keys), zstd (zstd test layers), mmdebstrap (real Debian root filesystems to compare), rpm
# (rpmbuild and rpm write real rpm databases and read them back as the oracle), db5.3-util (db_load
# writes Berkeley DB rpm databases), golang-go (real Go binaries, `go version -m`, and Go's archive/tar as
# the tar oracle), libarchive-tools (bsdtar, a second tar writer), python3 (its tarfile, a third), libcap2-bin and
# attr (setcap and setfattr give real files capabilities, getcap reads them back), redis-server (the
# instances' coordination) and Ceph's RADOS Gateway (a real S3 store: ceph-mon ceph-osd radosgw
# ceph-common, and uuid-runtime and bc for its start script). Quiet unless something fails.
set -euo pipefail
needed=(docker-registry chromium openssl zstd mmdebstrap rpm db5.3-util golang-go libarchive-tools python3 libcap2-bin attr redis-server
  ceph-mon ceph-osd radosgw ceph-common uuid-runtime bc)
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
