#!/bin/bash
# PostgreSQL entrypoint with the official image's environment contract:
# POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
# POSTGRES_DB (default: the user), PGDATA. Initialises once, then runs the server in the foreground.
set -euo pipefail
# The one PostgreSQL the image holds, whichever its version.
bin=$(echo /usr/lib/postgresql/*/bin)
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
password=${POSTGRES_PASSWORD:-}
auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ -z "$password" ] && [ "$auth" != trust ]; then
  echo "error: POSTGRES_PASSWORD is not set (or set POSTGRES_HOST_AUTH_METHOD=trust)" >&2
  exit 1
fi
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

mkdir -p "$PGDATA" /var/run/postgresql
chown -R postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$password" >"$pwfile"
  chown postgres "$pwfile"
  as_postgres "$bin/initdb" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host="$auth" >/dev/null
  rm -f "$pwfile"
  echo "host all all all $auth" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # Unix socket only while initialising, so a client never meets a half-made server.
    as_postgres "$bin/pg_ctl" -o "-c listen_addresses=''" -w start >/dev/null
    as_postgres "$bin/psql" -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres -q -c "CREATE DATABASE \"$db\""
    as_postgres "$bin/pg_ctl" -m fast -w stop >/dev/null
  fi
fi
# docker stop sends SIGTERM, which PostgreSQL takes as "wait for every client"; pass it on as SIGINT (fast shutdown).
as_postgres "$bin/postgres" -c listen_addresses='*' "$@" &
pid=$!
trap 'kill -INT "$pid"' TERM INT
wait "$pid" || wait "$pid"
