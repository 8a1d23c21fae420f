#!/usr/bin/env bash
# The servers' own benchmark clients, pgbench and sysbench, from Debian's or Ubuntu's packages: `dbmatrix run --ceiling`
# runs them beside each cell, and its test needs them under CI. Installed only where missing; sudo where not root.
set -euo pipefail
missing=()
command -v pgbench >/dev/null || missing+=(postgresql-client)
command -v sysbench >/dev/null || missing+=(sysbench)
[ ${#missing[@]} -gt 0 ] || { echo "pgbench and sysbench are installed"; exit 0; }
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
