// Every host of a run resolved once, before anything starts: its containers' names, its port, whether it is
// captured, its start order and its fault plan. The compose file is written from these records and the runtime
// reads them; nothing downstream works a host's decisions out again.
import type { HostSpec, Scenario } from '../model/scenario.ts'
import { netPlans } from './faults.ts'
import { foreignProgramName, gateName, isForeign } from './host-kinds.ts'
import { sidecarName, type NetPlan } from '../../services/bin/protocol.ts'

/** A program that only idles (a router's). */
export const IDLE_PROGRAM = 'idle'

export interface HostPlan {
  name: string
  spec: HostSpec
  /** Its containers' compose services: a program (absent for a router whose sidecar holds its namespace), a
   * network sidecar (absent for a host inside another's namespace) and, for an image or build host, its gate. */
  services: { program?: string; sidecar?: string; gate?: string }
  /** The port it listens on, which the run waits for. */
  port?: number
  /** Its sidecar writes a pcap of it. */
  captures: boolean
  order: StartOrder
  /** The faults its sidecar applies, when it has any. */
  net?: NetPlan
  /** A router whose sidecar holds its namespace, with no program container (see routesOnly). */
  routesOnly: boolean
}

/** What of a run the hosts' records depend on. */
interface HostsOf {
  captureAll: boolean
  /** Hosts that run a submitted program. */
  submitted: string[]
  live: boolean
}

export function planHosts(
  scenario: Scenario,
  run: {
    captureAll?: boolean
    submissions?: Record<string, unknown>
    submitted?: string[]
    live?: boolean
    /** The run's seed, which every random fault draws from (engine/plan/seeds.ts). */
    seed: number
  },
): HostPlan[] {
  const of: HostsOf = {
    captureAll: run.captureAll === true,
    submitted: run.submitted ?? Object.keys(run.submissions ?? {}),
    live: run.live === true,
  }
  const plans = netPlans(scenario, { seed: run.seed })
  const orderOf = startOrder(scenario)
  return Object.entries(scenario.hosts).map(([name, spec]) => {
    const alone = !spec.inside && routesOnly(scenario, name, of)
    return {
      name,
      spec,
      services: {
        ...(alone ? {} : { program: isForeign(spec) ? foreignProgramName(name) : name }),
        ...(spec.inside ? {} : { sidecar: sidecarName(name) }),
        ...(isForeign(spec) ? { gate: gateName(name) } : {}),
      },
      ...(spec.listens !== undefined ? { port: spec.listens } : {}),
      captures: captures(scenario, of.captureAll, name),
      order: orderOf(name),
      ...(plans[name] ? { net: plans[name] } : {}),
      routesOnly: alone,
    }
  })
}

/** Whether a host's sidecar writes a pcap of it. */
function captures(scenario: Scenario, captureAll: boolean, host: string): boolean {
  const { capture } = scenario
  return captureAll || capture === true || (capture ?? []).includes(host)
}

/** Which hosts a host's program waits for, and which it only starts after. A program waits in lab-run until the hosts
 * it needs listen (their containers start alongside its own: no health-check polling); a router is waited for like a
 * server (its sidecar flags it once it routes, so no program sends before the path exists); a host that listens on
 * nothing is only started first: lab-run waits until its sidecar is set up (LAB_START_AFTER), so Compose starts every
 * container at once (a chain of `depends_on` would start them one after another: a lab of five hosts about a second
 * later on two cores).
 * Only a host inside another's namespace has no sidecar of its own to say so: Compose starts it first. */
export interface StartOrder {
  waitFor: string[]
  startAfter: string[]
  composeAfter: string[]
}
function startOrder(scenario: Scenario): (host: string) => StartOrder {
  const hostNames = Object.keys(scenario.hosts)
  const after = (host: string) => scenario.hosts[host].after ?? hostNames.slice(0, hostNames.indexOf(host))
  const awaited = (host: string) =>
    scenario.hosts[host].listens !== undefined || scenario.hosts[host].router !== undefined
  /** The awaited hosts a host starts after, directly or through another. */
  const listeners = (host: string, seen = new Set<string>()): string[] =>
    after(host).flatMap((earlier) => {
      if (seen.has(earlier)) return []
      seen.add(earlier)
      return [...(awaited(earlier) ? [earlier] : []), ...listeners(earlier, seen)]
    })
  return (host) => {
    const first = after(host).filter((earlier) => !awaited(earlier))
    return {
      waitFor: listeners(host),
      startAfter: first.filter((earlier) => !scenario.hosts[earlier].inside),
      composeAfter: first.filter((earlier) => scenario.hosts[earlier].inside),
    }
  }
}

/** A router whose program only idles, in a run that is not live: its sidecar holds its namespace, one container
 * instead of two (for a lab of two routers, about half a second less to come up and go on two cores). A live lab keeps
 * the program container: `lab shell`, `lab exec` and warm runs go there. */
function routesOnly(scenario: Scenario, host: string, run: HostsOf): boolean {
  const spec = scenario.hosts[host]
  return (
    spec.router !== undefined &&
    spec.program === IDLE_PROGRAM &&
    !spec.args?.length &&
    !spec.run &&
    !isForeign(spec) &&
    !run.submitted.includes(host) &&
    !run.live &&
    !Object.values(scenario.hosts).some((other) => other.inside === host)
  )
}
