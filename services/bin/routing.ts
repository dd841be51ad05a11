// The network sidecar's part in a lab of several networks (engine/plan/topology.ts plans it): it finds which
// interface holds the host's address on each network, makes every network's gateway unreachable (the bridge's
// address on the machine that runs the lab: no network has a way out), adds the host's routes, and on a router
// applies NAT. Only sidecars route: the program containers have no capability to change any of it.
import { withDevicesOf, type NetPlan } from './protocol.ts'

type Run = (cmd: string, args: string[], input?: string) => string

export interface Interfaces {
  /** The device of the host's interface on each network (eth0, eth1, …: Docker's order is not the scenario's). */
  devices: Record<string, string>
  /** The kernel's index of each network's interface: a capture of every interface names its frames by it. */
  indexes: Record<string, number>
}

/** The table that keeps a host on several networks inside the lab: no fault, and no `lab fault clear`, lifts it. */
export const TOPOLOGY_TABLE = 'lab-topology'

/** Sets up interfaces, gateways, routes and NAT; called once the default route is gone, before any fault. */
export function setUpRouting(plan: NetPlan, run: Run): Interfaces {
  const interfaces = findInterfaces(plan, run)
  const gateways = [...new Set((plan.interfaces ?? []).map((it) => it.gateway))]
  for (const gateway of gateways) run('ip', ['route', 'replace', 'prohibit', `${gateway}/32`])
  // A router must not forward to a gateway either: what it forwards does not pass the output hook.
  const outside = plan.labSubnets?.length
    ? [`ip daddr != { ${plan.labSubnets.join(', ')} } counter drop comment "out-of-lab"`]
    : []
  const drops = [...gateways.map((gateway) => `ip daddr ${gateway} drop`), ...outside].join('\n    ')
  if (drops)
    run(
      'nft',
      ['-f', '-'],
      `table inet ${TOPOLOGY_TABLE} {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    ${drops}\n  }\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n    ${drops}\n  }\n}\n`,
    )
  for (const route of plan.routes ?? []) run('ip', ['route', 'replace', route.to, 'via', route.via])
  if (plan.nat) run('nft', ['-f', '-'], natRuleset(plan.nat, interfaces.devices))
  return interfaces
}

function findInterfaces(plan: NetPlan, run: Run): Interfaces {
  const devices: Record<string, string> = {}
  const indexes: Record<string, number> = {}
  // `3: eth1    inet 10.213.7.10/24 brd …`
  const lines = run('ip', ['-4', '-o', 'addr', 'show']).split('\n')
  for (const { network, address } of plan.interfaces ?? []) {
    const found = lines
      .map((line) => line.match(/^(\d+):\s+([\w.@-]+)\s+inet ([\d.]+)\//))
      .find((match) => match?.[3] === address)
    if (!found) throw new Error(`no interface holds ${address}, this host's address on network ${network}`)
    devices[network] = found[2].split('@')[0]
    indexes[network] = Number(found[1])
  }
  return { devices, indexes }
}

/** Masquerade what leaves by the NAT network; send port forwards arriving there to their inside host; and, like a
 * home router, forward from the outside only what answers the inside or was port-forwarded. */
export function natRuleset(nat: NonNullable<NetPlan['nat']>, devices: Record<string, string>): string {
  const outside = devices[nat.network]
  const forwards = nat.forwards.map(
    (f) =>
      `iifname "${outside}" ${f.protocol} dport ${f.port} counter dnat ip to ${f.to}:${f.toPort} comment "port-forward"`,
  )
  return `table ip lab-nat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ${forwards.join('\n    ')}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${outside}" counter masquerade comment "masquerade"
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname "${outside}" ct state established,related accept
    iifname "${outside}" ct status dnat accept
    iifname "${outside}" counter drop comment "nat-inbound"
  }
}
`
}

/** Replaces each device placeholder (services/bin/protocol.ts) with the host's device on that network. */
export const withDevices = (text: string, devices: Record<string, string>): string => withDevicesOf(text, devices)
