// The containers of a lab, as typed builders: a host's program container and its network sidecar, with the
// security policy each gets as one named constant, and the lab's network and flag volume. Every run's compose
// file is built from these (compose.ts); the top-level docker-compose.yml is the same lab written by hand for
// `docker compose up`, and engine/plan/services.test.ts holds it to these constants.
export interface ComposeService {
  command?: string[]
  depends_on?: Record<string, { condition: string }>
  environment?: Record<string, string>
  hostname?: string
  labels?: Record<string, string>
  network_mode?: string
  [key: string]: unknown
}

export interface ComposeFile {
  services: Record<string, ComposeService>
  networks: Record<string, Record<string, unknown>>
  volumes?: Record<string, Record<string, unknown>>
  [key: string]: unknown
}

/** Docker's own copy of a container's output is bounded too, whatever the program finds to write to. */
export const BOUNDED_LOG = { driver: 'json-file', options: { 'max-size': '8m', 'max-file': '2' } } as const

/** What a program under test gets: no privileges at all (faults live in the sidecar, where it cannot undo them).
 * Its entry point starts as root with only what it needs to drop to `lab` (services/bin/lab-drop): the program
 * runs as `lab` with no capabilities, its output limiter as root, out of its reach. Read-only but a sized /tmp
 * (a program that fills it gets ENOSPC, not an OOM kill of the container); bounded in processes, memory and CPU;
 * IPv4 only (the seed's sockets are AF_INET, and captures then hold only what the programs sent). */
export const PROGRAM_POLICY = {
  init: true,
  entrypoint: ['lab-run'],
  user: 'root',
  cap_drop: ['ALL'],
  cap_add: ['SETUID', 'SETGID', 'SETPCAP'],
  security_opt: ['no-new-privileges:true'],
  read_only: true,
  tmpfs: ['/tmp:size=16m,mode=1777'],
  logging: BOUNDED_LOG,
  pids_limit: 128,
  mem_limit: '256m',
  cpus: 1,
  stop_grace_period: '1s',
  sysctls: { 'net.ipv6.conf.all.disable_ipv6': 1 },
} as const

/** What a host's network sidecar gets: NET_ADMIN for nftables, tc and routes; NET_RAW, SETUID and SETGID for
 * tcpdump (it switches users as it starts); bounded like the programs, with room for tcpdump's kernel buffer. */
export const SIDECAR_POLICY = {
  init: true,
  entrypoint: ['node', '/usr/local/bin/lab-net.ts'],
  user: 'root',
  cap_drop: ['ALL'],
  cap_add: ['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID'],
  security_opt: ['no-new-privileges:true'],
  pids_limit: 64,
  mem_limit: '192m',
  cpus: 1,
  logging: BOUNDED_LOG,
  stop_grace_period: '2s',
} as const

/** The flags the sidecars write (listening, ready, a warm rerun's go): read-only in the program containers. */
export const SYNC_VOLUME = 'lab-sync'

/** The lab's one network of a single-network scenario: internal, and its bridge gets no IPv4 address on the
 * machine (Docker 20.10 and later), so a program finds no address of the grading host on its subnet (each
 * sidecar also makes the gateway unreachable, lab-net.ts). */
export const LAB_NETWORKS = {
  lab: { internal: true, driver_opts: { 'com.docker.network.bridge.inhibit_ipv4': 'true' } },
}

/** tmpfs: mounted afresh whenever a lab's first container starts, so no run sees an earlier run's flags. Each flag
 * takes a 4 KiB page, and a host has up to three and their .part while written: 1 MiB holds some 60 hosts. */
export const LAB_VOLUMES = {
  [SYNC_VOLUME]: { driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } },
}

const copy = <T>(value: T): T => structuredClone(value) as T

/** A host's program container, on the lab's network, before its program and environment are chosen. */
export function programContainer(image: string, host: string): ComposeService {
  return {
    image,
    ...copy(PROGRAM_POLICY),
    hostname: host,
    networks: ['lab'],
    volumes: [`${SYNC_VOLUME}:/lab-sync:ro`],
  } as ComposeService
}

/** A host's network sidecar, in the host's namespace. */
export function sidecarContainer(image: string, host: string): ComposeService {
  return {
    image,
    ...copy(SIDECAR_POLICY),
    network_mode: `service:${host}`,
    volumes: [`${SYNC_VOLUME}:/lab-sync`],
  } as ComposeService
}
