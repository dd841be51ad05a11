#!/usr/bin/env bash
# Brings up a Docker engine with the Compose v2 plugin on a bare Debian bookworm machine (run as root), plus
# mmdebstrap, which the lab uses to build its base image where no container registry is reachable.
# Idempotent: does nothing that is already done.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
if (( ${#missing[@]} )); then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Compose v2: bookworm only has v1 (python); trixie's package is a static Go binary needing only libc.
if ! docker compose version >/dev/null 2>&1; then
  work=$(mktemp -d); lists=$work/lists; debs=$work/debs; mkdir -p "$lists/partial" "$debs"
  trap 'rm -rf "$work"' EXIT
  # the Debian mirror this machine's apt already uses, one release newer
  mirror=$(grep -h -m1 -E '^URIs: .*/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' || true)
  [ -n "$mirror" ] || mirror=$(grep -h -m1 -E '^deb .*/debian/? bookworm' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' || true)
  [ -n "$mirror" ] || { echo "docker-up: no Debian mirror found in the apt sources" >&2; exit 1; }
  # the source list lives outside the lists folder: apt update deletes what it does not know there
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" >"$work/trixie.sources"
  apt_o=(-o "Dir::Etc::SourceList=$work/trixie.sources" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$lists" -o APT::Sandbox::User=root)
  apt-get "${apt_o[@]}" update -qq
  (cd "$debs" && apt-get "${apt_o[@]}" download docker-compose/trixie >/dev/null)
  dpkg -x "$debs"/docker-compose_*.deb "$debs/x"
  install -D -m 0755 "$debs/x/usr/libexec/docker/cli-plugins/docker-compose" /usr/libexec/docker/cli-plugins/docker-compose
fi

if ! docker info >/dev/null 2>&1; then
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info --format 'docker engine {{.ServerVersion}} up' && docker compose version
