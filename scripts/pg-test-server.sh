#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the tests and print its DATABASE_URL.
# Usage: eval "$(bash scripts/pg-test-server.sh start DIR)"; ...; bash scripts/pg-test-server.sh stop DIR
set -euo pipefail
action=$1; dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=${PGTEST_PORT:-55432}
runas=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  runas=(runuser -u postgres --)
fi
case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      "${runas[@]}" "$bin/initdb" -D "$dir/data" -U lantoa --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    "${runas[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U lantoa lantoa_test 2>/dev/null || true
    echo "export TEST_DATABASE_URL=postgresql+psycopg://lantoa@127.0.0.1:$port/lantoa_test"
    ;;
  stop)
    "${runas[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
    ;;
esac
