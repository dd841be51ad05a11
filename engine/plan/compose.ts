// Builds the compose file of one run from docker-compose.yml and a scenario: the base file's services are the
// templates for every host and its network sidecar. Pure: no Docker here, only data in and data out.
import { CORE_SCHEMA, dump, load, mergeTag } from 'js-yaml'
import { LABEL } from '../model/labels.ts'
import { netPlans } from './faults.ts'
import type { HostSpec, Impl, Scenario } from '../model/scenario.ts'
import { captures, type RunPlan } from './run-plan.ts'
import { OUTPUT_LIMIT_BYTES, SUBMISSION_DIR } from './submission.ts'
import { foreignServices, IDLE_COMMAND, isForeign, literal, literalValues, runCommandService } from './host-kinds.ts'
import { planTopology, topologyNetPlan, topologyNetworks, topologyService } from './topology.ts'
import { sidecarName, type NetPlan } from '../../services/bin/protocol.ts'

export { sidecarName }

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

/** What of a run's plan its compose file depends on. */
export type RunIdentity = Pick<RunPlan, 'runId' | 'image' | 'impl'> & Partial<Pick<RunPlan, 'captureAll' | 'submissions' | 'hostImages' | 'live'>>

/** YAML 1.2, as compose reads it, plus the merge keys (`<<: *program`) of docker-compose.yml. */
const COMPOSE_YAML = CORE_SCHEMA.withTags(mergeTag)

export function parseCompose(text: string): ComposeFile {
  return load(text, { schema: COMPOSE_YAML }) as ComposeFile
}

/** A run's compose file as text; no line folding, so long values (a host's LAB_NET plan) stay on one line. */
export function composeText(file: ComposeFile): string {
  return dump(file, { lineWidth: -1 })
}

/** The program of a host that only holds its address or routes: the same in both implementations. */
export const IDLE_PROGRAM = 'idle'

/** The command that runs a reference program of the chosen implementation inside a host. An idle host sleeps: a
 * Node or Python process that does nothing costs every router tens of milliseconds of CPU while its lab comes up. */
export function programCommand(program: string, impl: Impl, args: string[] = []): string[] {
  if (program === IDLE_PROGRAM && !args.length) return [...IDLE_COMMAND]
  return impl === 'python'
    ? ['python3', `/opt/lab/programs/python/${program}.py`, ...args]
    : ['node', `/opt/lab/programs/ts/${program}.ts`, ...args]
}


/** Folders of the image that a host running a submission sees empty (an empty tmpfs over each). */
export const HIDDEN_FROM_SUBMISSIONS = ['/opt/lab/programs', '/opt/lab/node-cache']

/** Which hosts a host's program waits for, and which it only starts after. A program waits in lab-run until the hosts
 * it needs listen (their containers start alongside its own: no health-check polling); a router is waited for like a
 * server (its sidecar flags it once it routes, so no program sends before the path exists); a host that listens on
 * nothing is only started first: lab-run waits until its sidecar is set up (LAB_START_AFTER), so Compose starts every
 * container at once (a chain of `depends_on` made a lab of five hosts come up about a second later on two cores).
 * Only a host inside another's namespace has no sidecar of its own to say so: Compose starts it first. */
interface StartOrder { waitFor: string[]; startAfter: string[]; composeAfter: string[] }
function startOrder(scenario: Scenario): (host: string) => StartOrder {
  const hostNames = Object.keys(scenario.hosts)
  const after = (host: string) => scenario.hosts[host].after ?? hostNames.slice(0, hostNames.indexOf(host))
  const awaited = (host: string) => scenario.hosts[host].listens !== undefined || scenario.hosts[host].router !== undefined
  /** The awaited hosts a host starts after, directly or through another. */
  const listeners = (host: string, seen = new Set<string>()): string[] => after(host).flatMap((earlier) => {
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

/** A program whose author the lab does not vouch for (a submission, a command of one's own): its output bounded,
 * and the reference solutions and their type-stripped copies in Node's cache out of its sight. */
function bounded(service: ComposeService, template: ComposeService): ComposeService {
  return {
    ...service,
    tmpfs: [...(template.tmpfs as string[] ?? []), ...HIDDEN_FROM_SUBMISSIONS.map((dir) => `${dir}:size=1m,mode=0755`)],
    environment: { ...service.environment, LAB_OUTPUT_LIMIT: String(OUTPUT_LIMIT_BYTES) },
  }
}

/** The program container of one host, before it is placed on the lab's networks. */
function programService(base: ComposeFile, host: string, spec: HostSpec, run: RunIdentity, labels: Record<string, string>, order: StartOrder): ComposeService {
  const template = structuredClone(base.services[host] ?? base.services.client)
  const { depends_on: _unused, ...rest } = template
  let service: ComposeService = {
    ...rest,
    image: run.image,
    hostname: host,
    command: spec.program === undefined ? [] : programCommand(spec.program, run.impl, spec.args?.map(literal)),
    labels,
  }
  const { LAB_WAIT_FOR: _baseWait, ...baseEnvironment } = template.environment ?? {}
  service.environment = {
    ...baseEnvironment,
    ...literalValues(spec.env),
    ...(order.waitFor.length ? { LAB_WAIT_FOR: order.waitFor.join(' ') } : {}),
    ...(order.startAfter.length ? { LAB_START_AFTER: order.startAfter.join(' ') } : {}),
  }
  if (!Object.keys(service.environment).length) delete service.environment
  if (order.composeAfter.length) service.depends_on = Object.fromEntries(order.composeAfter.map((name) => [name, { condition: 'service_started' }]))
  const submission = run.submissions?.[host]
  if (submission) {
    service.command = submission.command
    service.volumes = [...(template.volumes as string[] ?? []), `${submission.dir}:${SUBMISSION_DIR}:ro`]
    service = bounded(service, template)
  }
  if (spec.run && 'command' in spec.run) service = bounded(runCommandService(spec, service), template)
  return service
}

/** The network sidecar of one host, in its namespace, with the plan it applies. */
function sidecarService(base: ComposeFile, host: string, plan: NetPlan, run: RunIdentity, labels: Record<string, string>): ComposeService {
  const sidecar = structuredClone(base.services[sidecarName(host)] ?? base.services[sidecarName('client')])
  return {
    ...sidecar,
    image: run.image,
    network_mode: `service:${host}`,
    environment: { ...sidecar.environment, LAB_HOST: host, LAB_NET: JSON.stringify(plan) },
    labels,
  }
}

/** A router whose program only idles, in a run that is not live: its sidecar holds its namespace, one container
 * instead of two (a lab of two routers came up and went about half a second sooner on two cores). A live lab keeps
 * the program container: `lab shell`, `lab exec` and warm runs go there. */
export function routesOnly(scenario: Scenario, host: string, run: RunIdentity): boolean {
  const spec = scenario.hosts[host]
  return spec.router !== undefined && spec.program === IDLE_PROGRAM && !spec.args?.length && !spec.run && !isForeign(spec)
    && !run.submissions?.[host] && !run.live && !Object.values(scenario.hosts).some((other) => other.inside === host)
}

export function labCompose(base: ComposeFile, scenario: Scenario, run: RunIdentity): ComposeFile {
  const labels = { [LABEL.run]: run.runId, [LABEL.scenario]: scenario.id }
  const services: Record<string, ComposeService> = {}
  const plans = netPlans(scenario)
  // Several networks: subnets drawn afresh for every run (two runs of one scenario at once must not collide).
  const topology = planTopology(scenario, randomSubnet)
  const orderOf = startOrder(scenario)

  for (const [host, spec] of Object.entries(scenario.hosts)) {
    const order = orderOf(host)
    const service = programService(base, host, spec, run, labels, order)
    if (spec.inside) {
      // A second program in another host's network namespace: it shares that host's address, faults and sidecar.
      const { hostname: _h, networks: _n, sysctls: _s, extra_hosts: _e, ...shared } = service
      services[host] = { ...shared, network_mode: `service:${spec.inside}` }
      continue
    }
    const placed = topology ? topologyService(scenario, topology, host, service) : service
    const alone = routesOnly(scenario, host, run)
    if (isForeign(spec)) Object.assign(services, foreignServices(host, spec, placed, run.hostImages?.[host] ?? spec.image ?? ''))
    else if (!alone) services[host] = placed
    const sidecar = sidecarService(base, host, {
      ...plans[host],
      ...(topology ? topologyNetPlan(scenario, topology, host) : {}),
      labNames: Object.keys(scenario.hosts).filter((name) => !scenario.hosts[name].inside),
      capture: captures({ scenario, captureAll: run.captureAll === true }, host),
      ...(spec.listens !== undefined ? { listens: spec.listens } : {}),
      ...(order.waitFor.length && plans[host]?.timed ? { waitFor: order.waitFor } : {}),
    }, run, labels)
    if (!alone) {
      services[sidecarName(host)] = sidecar
      continue
    }
    const { network_mode: _joins, ...own } = sidecar
    const { hostname, networks, extra_hosts, sysctls } = placed
    services[sidecarName(host)] = { ...own, hostname: hostname as string | undefined, networks, extra_hosts, sysctls }
  }

  const labelled = (declared: Record<string, Record<string, unknown>> = {}) =>
    Object.fromEntries(Object.entries(declared).map(([name, resource]) => [name, { ...resource, labels }]))
  const networks = topology ? topologyNetworks(base.networks.lab, topology) : base.networks
  return { services, networks: labelled(networks), volumes: labelled(base.volumes) }
}

/** Docker's default address pools hold about 30 bridge networks, shared by everything on the machine; a lab
 * that finds them exhausted takes a /24 of this /16 instead (SOCKET_LAB_SUBNETS to choose another). */
export const FALLBACK_SUBNETS = process.env.SOCKET_LAB_SUBNETS ?? '10.213.0.0/16'

/** A random /24 inside a /16 such as 10.213.0.0/16. */
export function randomSubnet(pool = FALLBACK_SUBNETS, random = Math.random): string {
  const match = pool.match(/^(\d+)\.(\d+)\.0\.0\/16$/)
  if (!match) throw new Error(`SOCKET_LAB_SUBNETS must be a /16 such as 10.213.0.0/16, not "${pool}"`)
  return `${match[1]}.${match[2]}.${Math.floor(random() * 256)}.0/24`
}

/** The same lab on a subnet of its own choosing rather than one from Docker's pools. */
export function withSubnet(compose: ComposeFile, subnet: string): ComposeFile {
  return { ...compose, networks: Object.fromEntries(Object.entries(compose.networks).map(([name, network]) => [name, { ...network, ipam: { config: [{ subnet }] } }])) }
}
