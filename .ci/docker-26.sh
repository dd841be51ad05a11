#!/usr/bin/env bash
# Docker Engine 26.1 (Debian trixie's docker.io and docker-cli) on a bookworm machine, for CI's second pass:
# the lab is tested on the engine Debian stable ships (20.10) and on a current one. Run as root.
#
#   docker-26.sh start              stops the default daemon (20.10) and starts dockerd 26 on $SOCKET
#   docker-26.sh start --alongside  leaves the default daemon running: 26 gets no default bridge and no iptables
#                                   rules of its own, its networks come from $ALONGSIDE_POOL, and one FORWARD rule
#                                   lets that pool talk to itself (the other daemon's DROP policy would not)
#   docker-26.sh stop [--purge]     stops dockerd 26, removes that rule, restarts the default daemon if this
#                                   script stopped it; --purge also deletes 26's data (images, volumes)
#
# Then `DOCKER_HOST=unix:///run/docker26.sock PATH=/opt/socket-lab-docker26/usr/bin:$PATH` reaches 26 with its
# own CLI. It runs with bookworm's containerd and runc (dockerd starts its own containerd, under its exec root).
# Idempotent: the engine is downloaded and unpacked once, into $ENGINE; a running 26 is left as it is.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

ENGINE=/opt/socket-lab-docker26
SOCKET=/run/docker26.sock
DATA_ROOT=/var/lib/docker26
EXEC_ROOT=/run/docker26
PIDFILE=/run/docker26.pid
LOG=/var/log/dockerd26.log
STOPPED_DEFAULT=/run/docker26.stopped-default   # says that `start` stopped the default daemon
DEFAULT_PIDFILE=/var/run/docker.pid
ALONGSIDE_POOL=10.226.0.0/16
FORWARD_RULE=(FORWARD -s "$ALONGSIDE_POOL" -d "$ALONGSIDE_POOL" -m comment --comment socket-lab-docker26 -j ACCEPT)

die() { echo "docker-26: $*" >&2; exit 1; }
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until the process in pidfile $1 has exited, up to $2 seconds.
wait_gone() {
  local pid; pid=$(cat "$1" 2>/dev/null) || return 0
  for _ in $(seq 1 "$2"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  return 1
}

fetch() {
  [ -x "$ENGINE/usr/sbin/dockerd" ] && [ -x "$ENGINE/usr/bin/docker" ] && return
  local debs=$ENGINE.debs
  rm -rf "$debs" "$ENGINE.partial" && mkdir -p "$debs" "$ENGINE.partial"
  for package in docker.io docker-cli; do bash "$(dirname "$0")/trixie-deb.sh" "$package" "$debs"; done
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$ENGINE.partial"; done
  rm -rf "$ENGINE" "$debs" && mv "$ENGINE.partial" "$ENGINE"
}

start() {
  local alongside=${1:-}
  [ -z "$alongside" ] || [ "$alongside" = --alongside ] || die "unknown option $alongside"
  fetch
  if running "$PIDFILE"; then echo "docker-26: already running ($(cat "$PIDFILE"))"; return; fi
  local flags=(-H "unix://$SOCKET" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE")
  local docker0=''
  if [ -n "$alongside" ]; then
    # with --bridge=none, dockerd 26 deletes a `docker0` it finds as its own stale default bridge, although it is the
    # default daemon's: its address is noted here and the bridge put back once 26 is up
    docker0=$(ip -4 -o addr show dev docker0 2>/dev/null | awk '{print $4}' | head -n 1)
    flags+=(--bridge=none --iptables=false --ip6tables=false --default-address-pool "base=$ALONGSIDE_POOL,size=24")
    iptables -C "${FORWARD_RULE[@]}" 2>/dev/null || iptables -I "${FORWARD_RULE[@]}"
  elif systemctl is-active --quiet docker 2>/dev/null; then
    # Two daemons that both manage iptables would fight over the same chains: one at a time. systemd would
    # restart a daemon killed under it, so it is asked to stop it (and its socket unit, which would start it again).
    systemctl stop docker.socket docker
    echo systemd >"$STOPPED_DEFAULT"
  elif running "$DEFAULT_PIDFILE"; then
    kill "$(cat "$DEFAULT_PIDFILE")"
    wait_gone "$DEFAULT_PIDFILE" 60 || die "the default Docker daemon did not stop within 60 s"
    echo nohup >"$STOPPED_DEFAULT"
  fi
  mkdir -p "$(dirname "$LOG")"
  # its own binaries first: docker-proxy and docker-init are looked up on PATH
  PATH="$ENGINE/usr/sbin:$ENGINE/usr/bin:$PATH" nohup "$ENGINE/usr/sbin/dockerd" "${flags[@]}" >>"$LOG" 2>&1 &
  for _ in $(seq 1 60); do
    DOCKER_HOST="unix://$SOCKET" "$ENGINE/usr/bin/docker" info >/dev/null 2>&1 && break
    sleep 1
  done
  DOCKER_HOST="unix://$SOCKET" "$ENGINE/usr/bin/docker" version --format 'docker engine {{.Server.Version}} up on '"$SOCKET" \
    || die "dockerd 26 did not come up within 60 s: $(tail -n 3 "$LOG")"
  if [ -n "$docker0" ] && ! ip link show docker0 >/dev/null 2>&1; then
    ip link add docker0 type bridge && ip addr add "$docker0" dev docker0 && ip link set docker0 up
    echo "docker-26: put back the default daemon's docker0 ($docker0)"
  fi
}

stop() {
  local purge=${1:-}
  [ -z "$purge" ] || [ "$purge" = --purge ] || die "unknown option $purge"
  if running "$PIDFILE"; then
    kill "$(cat "$PIDFILE")"
    wait_gone "$PIDFILE" 60 || die "dockerd 26 did not stop within 60 s"
  fi
  while iptables -C "${FORWARD_RULE[@]}" 2>/dev/null; do iptables -D "${FORWARD_RULE[@]}"; done
  if [ -n "$purge" ]; then
    # a container's mounts can outlive the daemon for a moment; unmount what remains under the roots first
    grep -oE " ($DATA_ROOT|$EXEC_ROOT)/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$DATA_ROOT" "$EXEC_ROOT"
  fi
  if [ -f "$STOPPED_DEFAULT" ]; then
    if [ "$(cat "$STOPPED_DEFAULT")" = systemd ]; then systemctl start docker; else nohup dockerd >>/var/log/dockerd.log 2>&1 & fi
    rm -f "$STOPPED_DEFAULT"
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker version --format 'docker engine {{.Server.Version}} back up' || die "the default Docker daemon did not come back"
  fi
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  fetch) fetch ;;
  *) die "usage: docker-26.sh start [--alongside] | stop [--purge] | fetch" ;;
esac
