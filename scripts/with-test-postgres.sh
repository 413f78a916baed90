#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temp dir, a server listening
# only on a Unix socket in that dir (no TCP port to collide with anything), torn down and deleted
# when the command ends, however it ends. The command sees
#   REPOCLASH_TEST_STORE=postgres://<user>@localhost/postgres?host=<socket dir>  (the host parameter wins: a Unix socket)
# which the test support's store opener honours (each test file gets a database of its own).
#
#   bash scripts/with-test-postgres.sh npx vitest run            # the suite on PostgreSQL
#   bash scripts/with-test-postgres.sh npx vitest run test/store  # part of it
#
# Needs Debian's postgresql package (scripts/install-system-deps.sh --tests). As root the cluster
# runs as the `postgres` system user (the server refuses to run as root).
set -euo pipefail

bindir=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) ; do
  [ -x "$candidate/initdb" ] && { bindir=$candidate; break; }
done
[ -n "$bindir" ] || { echo "with-test-postgres.sh: no PostgreSQL server found (install the postgresql package)" >&2; exit 2; }

dir=$(mktemp -d /tmp/repoclash-pg.XXXXXX)
as=()
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as=(runuser -u postgres --)
  user=postgres
fi

stop() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as[@]}" "$bindir/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 2; }
# Durability off: a test cluster is thrown away; fsync per commit would only slow the suite down.
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start \
  || { cat "$dir/server.log" >&2; exit 2; }
[ "$(id -u)" = 0 ] && chmod 755 "$dir"

export REPOCLASH_TEST_STORE="postgres://$user@localhost/postgres?host=$dir"
"$@"
