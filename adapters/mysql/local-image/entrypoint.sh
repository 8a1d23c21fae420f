#!/bin/bash
# MariaDB entrypoint with the official mysql / mariadb images' environment contract:
# MYSQL_ROOT_PASSWORD or MARIADB_ROOT_PASSWORD (or MYSQL_ALLOW_EMPTY_PASSWORD / MARIADB_ALLOW_EMPTY_ROOT_PASSWORD),
# MYSQL_DATABASE / MARIADB_DATABASE, MYSQL_USER / MARIADB_USER with MYSQL_PASSWORD / MARIADB_PASSWORD.
set -euo pipefail
root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
user=${MARIADB_USER:-${MYSQL_USER:-}}
password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
datadir=/var/lib/mysql
if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
  echo "error: set MYSQL_ROOT_PASSWORD (or MARIADB_ROOT_PASSWORD), or MYSQL_ALLOW_EMPTY_PASSWORD" >&2
  exit 1
fi
sql_string() { printf "'%s'" "${1//\'/\'\'}"; }
sql_name() { printf '`%s`' "${1//\`/\`\`}"; }

mkdir -p /run/mysqld "$datadir"
chown -R mysql:mysql /run/mysqld "$datadir"
if [ ! -d "$datadir/mysql" ]; then
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  # No TCP while initialising, so a client never meets a half-made server.
  mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  for _ in $(seq 1 120); do mariadb-admin --socket=/run/mysqld/init.sock -uroot ping >/dev/null 2>&1 && break; sleep 0.25; done
  {
    echo "DROP USER IF EXISTS ''@'localhost';"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$root_password");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
    if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$database");"; fi
    if [ -n "$user" ]; then
      echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
      if [ -n "$database" ]; then echo "GRANT ALL ON $(sql_name "$database").* TO $(sql_string "$user")@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket=/run/mysqld/init.sock -uroot
  kill "$pid"
  wait "$pid" || true
fi
exec mariadbd --user=mysql --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 --skip-name-resolve "$@"
