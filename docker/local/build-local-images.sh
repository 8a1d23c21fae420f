#!/usr/bin/env bash
# Build local stand-ins for the official server images from Debian's packages, for machines that have a Docker engine
# but no container registry: for each adapters/<adapter>/local-image/ (spec.sh says what to build for each version it
# lists, entrypoint.sh honours the official image's variables), images tagged by server version.
# Usage: bash docker/local/build-local-images.sh [<target> ...] [--force] [--list]
#   <adapter>            its first listed version (what the legs use)      <adapter>:<version>  that version
#   all (the default)    every adapter's first version                     every                every version listed
#   --force              rebuild images already present (they are kept otherwise)
#   --list               print the image, adapter, version and Debian suite of each target and build nothing
# The Debian mirror is the one this machine's apt uses; each version comes from the suite its spec.sh names.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
specs=("$root_dir"/adapters/*/local-image/spec.sh)

usage() { # usage [PROBLEM]
  local names
  names=$(for s in "${specs[@]}"; do basename "$(dirname "$(dirname "$s")")"; done | paste -sd ' ')
  echo "${1:+$1; }usage: $0 [all|every|<adapter>[:<version>] ...] [--force] [--list]; adapters with a stand-in: $names" >&2
  exit 2
}

# versions_of ADAPTER: its spec's VERSIONS, one "version:suite" a line (the first is its default).
versions_of() {
  local spec=$root_dir/adapters/$1/local-image/spec.sh
  [ -f "$spec" ] || return 1
  (VERSION='' && . "$spec" && printf '%s\n' "${VERSIONS[@]}")
}

force=0 list=0 targets=()
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    --list) list=1 ;;
    -*) usage ;;
    *) targets+=("$arg") ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(all)

# The targets as "adapter version suite" lines.
plan=()
for target in "${targets[@]}"; do
  if [ "$target" = all ] || [ "$target" = every ]; then
    for spec in "${specs[@]}"; do
      adapter=$(basename "$(dirname "$(dirname "$spec")")")
      mapfile -t vs < <(versions_of "$adapter")
      [ "$target" = every ] || vs=("${vs[0]}")
      for v in "${vs[@]}"; do plan+=("$adapter ${v%%:*} ${v##*:}"); done
    done
    continue
  fi
  adapter=${target%%:*}
  mapfile -t vs < <(versions_of "$adapter") || true
  [ ${#vs[@]} -gt 0 ] || usage "no stand-in for '$adapter'"
  if [ "$target" = "$adapter" ]; then
    plan+=("$adapter ${vs[0]%%:*} ${vs[0]##*:}")
    continue
  fi
  want=${target#*:} found=
  for v in "${vs[@]}"; do [ "${v%%:*}" = "$want" ] && found=$v; done
  [ -n "$found" ] || { echo "$adapter has no stand-in for version $want; its spec.sh lists: $(printf '%s ' "${vs[@]%%:*}")" >&2; exit 2; }
  plan+=("$adapter $want ${found##*:}")
done

# spec_of ADAPTER VERSION: source the spec for that version (in the caller's subshell).
spec_of() {
  VERSION=$2 IMAGE='' PACKAGES='' VERSION_PACKAGE='' SETUP=true IMPORT=()
  # shellcheck source=/dev/null
  . "$root_dir/adapters/$1/local-image/spec.sh"
}

if [ "$list" = 1 ]; then
  for p in "${plan[@]}"; do
    read -r adapter version suite <<<"$p"
    (spec_of "$adapter" "$version" && echo "$IMAGE $adapter $version $suite")
  done
  exit 0
fi

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

# build ADAPTER VERSION SUITE
build() {
  local adapter=$1 version=$2 suite=$3
  spec_of "$adapter" "$version"
  if [ "$force" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "$IMAGE: present, kept"
    return
  fi
  local root started installed
  started=$(date +%s)
  root=$(mktemp -d /var/tmp/dbmatrix-rootfs.XXXXXX)
  trap 'rm -rf "$root" "$root.log"' RETURN
  echo "$IMAGE: debootstrap $suite with $PACKAGES"
  debootstrap --variant=minbase --include="$PACKAGES" "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
    echo "debootstrap failed; last lines of $root.log:" >&2; tail -20 "$root.log" >&2; exit 1; }
  # A suite moves on (a point release, a new major as its default): refuse to tag an image with a version it lacks.
  installed=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' "$VERSION_PACKAGE")
  installed=${installed#*:}
  case $installed in
    "$version" | "$version".*) ;;
    *) echo "$IMAGE: $suite's $VERSION_PACKAGE is $installed, not $version; fix VERSIONS in adapters/$adapter/local-image/spec.sh" >&2; exit 1 ;;
  esac
  install -m 0755 "$root_dir/adapters/$adapter/local-image/entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  (cd "$root" && eval "$SETUP")
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    -c "LABEL org.dbmatrix.local-image=true" \
    -c "LABEL org.dbmatrix.server-version=$installed" \
    "${IMPORT[@]}" - "$IMAGE" >/dev/null
  echo "$IMAGE: $VERSION_PACKAGE $installed from $suite, built in $(($(date +%s) - started)) s"
}

for p in "${plan[@]}"; do
  read -r adapter version suite <<<"$p"
  (build "$adapter" "$version" "$suite")
done
