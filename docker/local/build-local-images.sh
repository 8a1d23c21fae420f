#!/usr/bin/env bash
# Build local stand-ins for the official server images from Debian's packages, for machines that have a Docker engine
# but no container registry: one per adapters/<adapter>/local-image/ (spec.sh says what to build, entrypoint.sh honours
# the official image's variables). Usage: bash docker/local/build-local-images.sh [<adapter>|all] [--force]
# An image already present is kept unless --force is given. The Debian mirror is the one this machine's apt uses.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
specs=("$root_dir"/adapters/*/local-image/spec.sh)
names=$(for s in "${specs[@]}"; do basename "$(dirname "$(dirname "$s")")"; done | tr '\n' '|')
which=all
force=0
for arg in "$@"; do
  if [ "$arg" = --force ]; then force=1
  elif [ "$arg" = all ] || [[ "|$names" == *"|$arg|"* ]]; then which=$arg
  else echo "usage: $0 [${names}all] [--force]" >&2; exit 2
  fi
done

for tool in docker debootstrap; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install docker.io debootstrap" >&2; exit 1; }
done
docker info >/dev/null 2>&1 || { echo "no Docker engine answers: start dockerd first" >&2; exit 1; }

# The first Debian (non-security) mirror in this machine's apt sources, deb822 or one-line format.
mirror=$(
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
  } | grep -v security | head -1 || true
)
[ -n "$mirror" ] || { echo "no Debian mirror found in /etc/apt sources" >&2; exit 1; }
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

# build IMAGE PACKAGES ENTRYPOINT [extra setup command run in the root filesystem]
build() {
  local image=$1 packages=$2 entrypoint=$3 setup=${4:-true}
  if [ "$force" = 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
    echo "$image: present, kept"
    return
  fi
  local root started
  started=$(date +%s)
  root=$(mktemp -d /var/tmp/dbmatrix-rootfs.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  echo "$image: debootstrap $suite with $packages"
  debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
    echo "debootstrap failed; last lines of $root.log:" >&2; tail -20 "$root.log" >&2; exit 1; }
  rm -f "$root.log"
  install -m 0755 "$entrypoint" "$root/usr/local/bin/docker-entrypoint.sh"
  (cd "$root" && eval "$setup")
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    -c "LABEL org.dbmatrix.local-image=true" \
    "${@:5}" - "$image" >/dev/null
  echo "$image: built in $(( $(date +%s) - started )) s"
}

for spec in "${specs[@]}"; do
  dir=$(dirname "$spec")
  adapter=$(basename "$(dirname "$dir")")
  [ "$which" = all ] || [ "$which" = "$adapter" ] || continue
  (
    IMAGE='' PACKAGES='' SETUP=true IMPORT=()
    # shellcheck source=/dev/null
    . "$spec"
    build "$IMAGE" "$PACKAGES" "$dir/entrypoint.sh" "$SETUP" "${IMPORT[@]}"
  )
done
