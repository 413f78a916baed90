#!/usr/bin/env bash
# Smoke test on the live npm registry (its address read from this machine's npm configuration) and
# the live Debian archive (this host's configured mirror, read from its apt sources): crawl trixie
# (+updates, +security) main, map its node-* packages to npm automatically, fetch their release
# feeds (at most 8 requests at once, cached), and print how many mapped, how many are behind and by
# how much, the ten furthest behind, and how often the mapping agrees with Debian's Homepage.
# REPOCLASH_SMOKE_CACHE=DIR keeps the cache between runs (a warm run asks the registry nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cache=${REPOCLASH_SMOKE_CACHE:-$work/cache}

status=0
node dist/cli/bin.js crawl --config repos.yaml --profile trixie --db "$work/db" --cache "$cache" || status=$?
[ "$status" = 0 ] || [ "$status" = 3 ] || exit "$status"

status=0
start=$(date +%s%N)
node dist/cli/bin.js upstream --refresh --config repos.yaml --profile trixie --source npm --concurrency 8 \
  --db "$work/db" --cache "$cache" --format json > "$work/upstream.json" 2> "$work/upstream.err" || status=$?
end=$(date +%s%N)
[ "$status" = 0 ] || [ "$status" = 3 ] || { cat "$work/upstream.err"; exit "$status"; }
echo "npm feeds fetched in $(( (end - start) / 1000000 )) ms (exit $status; $(wc -l < "$work/upstream.err") notes on stderr)"

node --import tsx scripts/smoke-npm-summary.ts "$work/upstream.json"
