#!/usr/bin/env bash
# Brings up a Docker engine with the Compose v2 plugin on a bare Debian or Ubuntu machine (run as root:
# `sudo bash .ci/docker-up.sh`), plus mmdebstrap, which the lab uses to build its base image where no container
# registry is reachable. CI runs it too. Idempotent: does nothing that is already done.
#
# Compose v2 comes from the distribution where it has it: Ubuntu's docker-compose-v2 (22.04 and later),
# Debian's docker-compose from trixie on. Bookworm has only v1 (python), so there the plugin comes from
# trixie's package: a static Go binary that needs only libc.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
[ "$(id -u)" = 0 ] || { echo "docker-up: run as root (sudo bash $0)" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "docker-up: this script knows only Debian and Ubuntu (apt-get); install Docker Engine and its compose plugin by hand" >&2; exit 1; }

updated=
apt_update() { [ -n "$updated" ] || { apt-get update -qq; updated=1; }; }
# The version apt would install, or nothing where no source has the package.
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}'; }

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
if (( ${#missing[@]} )); then
  apt_update
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! docker compose version >/dev/null 2>&1; then
  apt_update
  if [ -n "$(candidate docker-compose-v2)" ]; then
    apt-get install -y -qq docker-compose-v2 >/dev/null
  elif [[ $(candidate docker-compose) == 2.* ]]; then
    apt-get install -y -qq docker-compose >/dev/null
  else
    debs=$(mktemp -d); trap 'rm -rf "$debs"' EXIT
    bash "$(dirname "$0")/trixie-deb.sh" docker-compose "$debs"
    dpkg -x "$debs"/docker-compose_*.deb "$debs/x"
    install -D -m 0755 "$debs/x/usr/libexec/docker/cli-plugins/docker-compose" /usr/libexec/docker/cli-plugins/docker-compose
  fi
fi

if ! docker info >/dev/null 2>&1; then
  # a machine with systemd has started it on install; a container or CI machine without it starts it here
  if command -v systemctl >/dev/null && systemctl start docker 2>/dev/null; then :; else
    nohup dockerd >/var/log/dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info --format 'docker engine {{.ServerVersion}} up' && docker compose version
if [ -n "${SUDO_USER:-}" ] && ! id -nG "$SUDO_USER" | grep -qw docker; then
  echo "docker-up: $SUDO_USER is not in the docker group: sudo usermod -aG docker $SUDO_USER, then log in again (or run the lab as root)"
fi
