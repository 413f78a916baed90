#!/usr/bin/env bash
# Debian packages the tests and benchmarks use: the real tools repoclash is checked against
# (rpm, createrepo_c, dnf, dpkg, apt), the decompressors, gpg, and Chromium for the HTML report.
set -euo pipefail
sudo=''
[ "$(id -u)" = 0 ] || sudo='sudo'
packages=(
  rpm createrepo-c python3-rpm dnf         # build rpm fixtures, rpmvercmp oracle, real dnf
  dpkg-dev apt-utils reprepro python3-apt  # build deb fixtures, dpkg/apt oracles
  zstd xz-utils bzip2 gzip                 # decompressors for repo metadata
  gnupg gpgv                               # throwaway signing keys, signature checks
  chromium openssl                         # render the HTML report; self-signed certs for SMTP tests
  ca-certificates
  sqlite3 libsolv-tools                       # benchmark peers: sqlite3 full scan, rpmmd2solv, python3-apt TagFile
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
