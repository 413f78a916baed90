#!/usr/bin/env bash
# Smoke test on the live Debian archive (this host's configured mirror, read from its apt sources):
# crawl bookworm (+updates, +security) and trixie (+updates, +security), main amd64, and print the
# upgrade-path regressions — versions in bookworm higher than anything trixie ships, which a
# release upgrade leaves stranded. Uses the shipped repos.yaml and the built CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cache=${REPOCLASH_SMOKE_CACHE:-$work/cache}

status=0
node dist/cli/bin.js crawl --config repos.yaml --profile bookworm --profile trixie --db "$work/db" --cache "$cache" || status=$?
[ "$status" = 0 ] || [ "$status" = 3 ] || exit "$status"

status=0
node dist/cli/bin.js audit --config repos.yaml --profile bookworm --profile trixie --kind regression \
  --db "$work/db" --cache "$cache" --format json > "$work/audit.json" || status=$?
[ "$status" -le 1 ] || { echo "audit failed with exit $status"; exit "$status"; }

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const lower = r.findings.filter((f) => f.change === "lower");
  const dropped = r.findings.filter((f) => f.change === "dropped");
  console.log(`bookworm → trixie (main, amd64): ${lower.length} packages go back to a lower version, ${dropped.length} are dropped`);
  for (const f of lower.slice(0, 15)) console.log(`  ${f.name}: ${f.from.evr} (${f.from.repoId}) → ${f.to.evr} (${f.to.repoId})`);
  if (lower.length > 15) console.log(`  … and ${lower.length - 15} more`);
  if (r.partialData.length) console.log(`partial data: ${r.partialData.map((h) => h.repoId).join(", ")}`);
' "$work/audit.json"
