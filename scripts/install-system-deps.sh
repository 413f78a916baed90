#!/usr/bin/env bash
# The Debian/Ubuntu packages repoclash needs, installed with apt-get (as root, or through sudo).
#
#   bash scripts/install-system-deps.sh           what repoclash runs, and what `npm ci` needs to
#                                                 build better-sqlite3 when its prebuilt binary
#                                                 cannot be downloaded
#   bash scripts/install-system-deps.sh --tests   also the tools the tests check repoclash against
#   bash scripts/install-system-deps.sh --bench   also the benchmark peers (implies --tests)
#
# Node.js itself is not installed here: it must be 20 or newer (Debian 12 ships 18; see the README).
set -euo pipefail

tests=false bench=false
for arg in "$@"; do
  case "$arg" in
    --tests) tests=true ;;
    --bench) tests=true bench=true ;;
    *) echo "install-system-deps.sh: unknown argument '$arg' (use --tests or --bench)" >&2; exit 2 ;;
  esac
done

packages=(
  gpgv ca-certificates             # signature checks (the verifier apt runs); TLS to repositories
  xz-utils bzip2 zstd gzip         # decompressors for repository metadata node:zlib lacks
  python3 make g++                 # node-gyp, when better-sqlite3 is built from source
  libpq-dev                        # the PostgreSQL client library the libpq binding builds against (a PostgreSQL store)
)
if $tests; then
  packages+=(
    rpm createrepo-c python3-rpm dnf dnf-plugins-core   # build rpm repos (rpmbuild, rpmspec), rpmvercmp oracle, real dnf (and its versionlock plugin)
    dpkg-dev apt-utils python3-apt     # build deb repos (dpkg-deb, apt-ftparchive), dpkg/apt oracles, real apt
    gnupg                              # throwaway signing keys (gpg, gpg-agent)
    chromium                           # renders the HTML report (playwright-core drives /usr/bin/chromium)
    openssl                            # self-signed certificate for the SMTP tests
    tinyproxy                          # a real HTTP proxy for the proxy tests (test/support/tinyproxy.ts runs it in the foreground, private config)
    postgresql                         # a throwaway server for the suite's PostgreSQL run (scripts/with-test-postgres.sh)
  )
fi
if $bench; then
  packages+=(sqlite3 libsolv-tools)    # benchmark peers: sqlite3 full scan, rpmmd2solv
fi

if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "install-system-deps.sh: repoclash needs Node.js 20 or newer; found $(node --version 2>/dev/null || echo none) (see the README's setup)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=''
[ "$(id -u)" = 0 ] || sudo='sudo'
$sudo apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
