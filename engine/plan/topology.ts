// A scenario with several networks, as data the compose file and the sidecars need: a subnet for every network,
// an address for every host on each of its networks, each sidecar's interfaces, routes and NAT. Pure: the
// addresses are fixed here, before the lab starts, so that a route or a port forward names a concrete address
// and no host has to ask Docker's DNS about a network it is not on (that DNS answers only for shared networks).
import type { NetPlan } from '../../services/bin/protocol.ts'
import type { HostSpec, Scenario } from '../model/scenario.ts'

/** Hosts the engine numbers are x.y.z.10, .11, …: .1 is the bridge's gateway, which every sidecar blocks. */
const FIRST_HOST_NUMBER = 10
/** Docker's option that sets the MTU of a bridge network's interfaces. */
const MTU_OPTION = 'com.docker.network.driver.mtu'
const NO_MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade'

export interface TopologyNetwork {
  subnet: string
  gateway: string
  mtu?: number
}

export interface Topology {
  networks: Record<string, TopologyNetwork>
  /** Every host's address on each of its networks, in the order it declared them. */
  addresses: Record<string, Record<string, string>>
}

type Topological = Pick<Scenario, 'hosts' | 'networks'>

/** The networks a host is attached to, with the number it asked for on each. */
export function attachments(scenario: Topological, spec: HostSpec): [string, number | undefined][] {
  const declared = spec.networks ?? [Object.keys(scenario.networks ?? {})[0]]
  return Array.isArray(declared)
    ? declared.map((name) => [name, undefined])
    : Object.entries(declared).map(([name, at]) => [name, at.address])
}

const SUBNET_24 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/

/** Fails on a topology that cannot be built: a scenario bug, said in one line. */
export function validateTopology(scenario: Topological): void {
  const networks = scenario.networks
  const hostNames = Object.keys(scenario.hosts)
  if (!networks) {
    for (const [host, spec] of Object.entries(scenario.hosts)) {
      if (spec.networks || spec.routes || spec.router)
        throw new Error(`host "${host}" names networks, routes or a router, but the scenario declares no networks`)
    }
    return
  }
  if (!Object.keys(networks).length) throw new Error('networks must declare at least one network')
  for (const [name, network] of Object.entries(networks)) {
    if (!/^[a-z][a-z0-9-]{0,11}$/.test(name))
      throw new Error(`network "${name}" needs a short lowercase name (letters, digits, -; at most 12)`)
    if (network.subnet !== undefined && !SUBNET_24.test(network.subnet))
      throw new Error(`network ${name}'s subnet must be a /24 such as 10.213.40.0/24, not "${network.subnet}"`)
    if (network.mtu !== undefined && !(Number.isInteger(network.mtu) && network.mtu >= 576 && network.mtu <= 9000))
      throw new Error(`network ${name}'s MTU must be a whole number from 576 to 9000, not ${network.mtu}`)
  }
  const on = (host: string) => attachments(scenario, scenario.hosts[host]).map(([name]) => name)
  for (const [host, spec] of Object.entries(scenario.hosts)) {
    if (spec.inside) continue
    for (const [name, number] of attachments(scenario, spec)) {
      if (!(name in networks))
        throw new Error(`host "${host}" is attached to network "${name}", which the scenario does not declare`)
      if (number !== undefined && !(Number.isInteger(number) && number >= 2 && number <= 254))
        throw new Error(`host "${host}"'s number on ${name} must be from 2 to 254, not ${number}`)
    }
    for (const route of spec.routes ?? []) {
      if (route.to !== 'default' && !(route.to in networks))
        throw new Error(
          `host "${host}" routes to "${route.to}", which is neither a network of the scenario nor 'default'`,
        )
      if (!hostNames.includes(route.via) || !scenario.hosts[route.via].router)
        throw new Error(`host "${host}" routes via "${route.via}", which is not a router of the scenario`)
      if (!on(route.via).some((name) => on(host).includes(name)))
        throw new Error(`host "${host}" routes via "${route.via}", which shares no network with it`)
    }
    const nat = spec.router?.nat
    if (nat) {
      if (!on(host).includes(nat.network))
        throw new Error(`router "${host}" masquerades out of "${nat.network}", a network it is not attached to`)
      for (const forward of nat.forwards ?? []) {
        if (!hostNames.includes(forward.to))
          throw new Error(
            `router "${host}" forwards port ${forward.port} to "${forward.to}", which the scenario does not declare`,
          )
      }
    }
  }
}

/** Subnets (drawn for the networks that declare none) and addresses for one run. */
export function planTopology(scenario: Topological, drawSubnet: () => string): Topology | undefined {
  if (!scenario.networks) return undefined
  validateTopology(scenario)
  const networks: Record<string, TopologyNetwork> = {}
  const taken = new Set(Object.values(scenario.networks).map((network) => network.subnet))
  for (const [name, spec] of Object.entries(scenario.networks)) {
    let subnet = spec.subnet
    for (let tries = 0; subnet === undefined || (spec.subnet === undefined && taken.has(subnet) && tries < 64); tries++)
      subnet = drawSubnet()
    taken.add(subnet)
    networks[name] = { subnet, gateway: hostAddress(subnet, 1), ...(spec.mtu ? { mtu: spec.mtu } : {}) }
  }
  const addresses: Record<string, Record<string, string>> = {}
  const used: Record<string, Set<number>> = Object.fromEntries(
    Object.keys(networks).map((name) => [name, new Set<number>()]),
  )
  const hosts = Object.entries(scenario.hosts).filter(([, spec]) => !spec.inside)
  // Fixed numbers first, so an assigned one never takes a number another host asked for.
  for (const [host, spec] of hosts) {
    for (const [name, number] of attachments(scenario, spec)) {
      if (number === undefined) continue
      if (used[name].has(number)) throw new Error(`two hosts ask for number ${number} on network ${name}`)
      used[name].add(number)
      ;(addresses[host] ??= {})[name] = hostAddress(networks[name].subnet, number)
    }
  }
  for (const [host, spec] of hosts) {
    for (const [name, number] of attachments(scenario, spec)) {
      if (number !== undefined) continue
      let next = FIRST_HOST_NUMBER
      while (used[name].has(next)) next++
      used[name].add(next)
      ;(addresses[host] ??= {})[name] = hostAddress(networks[name].subnet, next)
    }
    // in the declared order, whatever was fixed first
    addresses[host] = Object.fromEntries(attachments(scenario, spec).map(([name]) => [name, addresses[host][name]]))
  }
  return { networks, addresses: Object.fromEntries(hosts.map(([host]) => [host, addresses[host]])) }
}

function hostAddress(subnet: string, number: number): string {
  return `${subnet.split('.').slice(0, 3).join('.')}.${number}`
}

/** The address by which `viewer` reaches `host`: on a network they share, else the host's first address. */
function addressFor(topology: Topology, viewer: string, host: string): string {
  const theirs = topology.addresses[host]
  const shared = Object.keys(theirs).find((name) => name in (topology.addresses[viewer] ?? {}))
  return theirs[shared ?? Object.keys(theirs)[0]]
}

/** The compose networks of the lab: one bridge per network, each with the base `lab` network's options but one.
 * Docker's `internal` adds, on the machine, rules that drop every bridged frame whose source or destination lies
 * outside the bridge's own subnet (br_netfilter runs bridged frames through iptables): a routed packet is exactly
 * that, so these bridges cannot be internal. What keeps them closed instead: the bridge has no IPv4 address on the
 * machine (inhibit_ipv4) and Docker masquerades nothing from it, so nobody answers for the gateway a packet would
 * need to leave; every sidecar removes the default route, makes the gateway unreachable, and drops whatever a host
 * sends or forwards to an address outside the lab's subnets (services/bin/routing.ts); and no program container
 * has a capability to change any of it or to write a raw frame. */
export function topologyNetworks(
  base: Record<string, unknown>,
  topology: Topology,
): Record<string, Record<string, unknown>> {
  const baseOptions = (base.driver_opts ?? {}) as Record<string, string>
  return Object.fromEntries(
    Object.entries(topology.networks).map(([name, network]) => [
      name,
      {
        ...base,
        internal: false,
        driver_opts: {
          ...baseOptions,
          [NO_MASQUERADE]: 'false',
          ...(network.mtu ? { [MTU_OPTION]: String(network.mtu) } : {}),
        },
        ipam: { config: [{ subnet: network.subnet }] },
      },
    ]),
  )
}

/** A host's program service on its networks, with every other host's name in its /etc/hosts (Docker's DNS does
 * not answer for a host on another network), and forwarding on for a router (a sysctl of its namespace, set by
 * Docker as it creates it: the program keeps no capability). */
export function topologyService(
  scenario: Scenario,
  topology: Topology,
  host: string,
  service: Record<string, unknown>,
): Record<string, unknown> {
  const names = Object.keys(topology.addresses).filter((other) => other !== host)
  return {
    ...service,
    networks: Object.fromEntries(
      Object.entries(topology.addresses[host]).map(([name, address]) => [name, { ipv4_address: address }]),
    ),
    extra_hosts: names.map((other) => `${other}:${addressFor(topology, host, other)}`),
    ...(scenario.hosts[host].router
      ? { sysctls: { ...((service.sysctls as Record<string, unknown>) ?? {}), 'net.ipv4.ip_forward': 1 } }
      : {}),
  }
}

/** What a host's sidecar adds to its plan in a multi-network lab: interfaces, routes, NAT. */
export function topologyNetPlan(
  scenario: Scenario,
  topology: Topology,
  host: string,
): Pick<NetPlan, 'interfaces' | 'routes' | 'nat' | 'forward' | 'labSubnets'> {
  const spec = scenario.hosts[host]
  const interfaces = Object.entries(topology.addresses[host]).map(([network, address]) => ({
    network,
    address,
    gateway: topology.networks[network].gateway,
  }))
  const routes = (spec.routes ?? []).map((route) => ({
    to: route.to === 'default' ? 'default' : topology.networks[route.to].subnet,
    via: addressFor(topology, host, route.via),
  }))
  const nat = spec.router?.nat
  return {
    interfaces,
    labSubnets: Object.values(topology.networks).map((network) => network.subnet),
    ...(routes.length ? { routes } : {}),
    ...(spec.router ? { forward: true } : {}),
    ...(nat
      ? {
          nat: {
            network: nat.network,
            forwards: (nat.forwards ?? []).map((forward) => ({
              port: forward.port,
              protocol: forward.protocol ?? 'tcp',
              to: addressFor(topology, host, forward.to),
              toPort: forward.toPort ?? forward.port,
            })),
          },
        }
      : {}),
  }
}
