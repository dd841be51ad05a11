// Builds the compose file of one run from a scenario and the lab's typed containers (services.ts): a program
// container and a network sidecar per host, placed on the scenario's networks, in its start order. Pure: no
// Docker here, only data in and data out.
import { CORE_SCHEMA, dump, load, mergeTag } from 'js-yaml'
import { LABEL } from '../model/labels.ts'
import { IDLE_PROGRAM, planHosts, type HostPlan } from './hosts.ts'
import { randomSeed } from './seeds.ts'

export { IDLE_PROGRAM }
import type { HostSpec, Impl, Scenario } from '../model/scenario.ts'
import type { RunPlan } from './run-plan.ts'
import { OUTPUT_LIMIT_BYTES, SUBMISSION_DIR } from './submission.ts'
import { foreignServices, IDLE_COMMAND, isForeign, literal, literalValues, runCommandService } from './host-kinds.ts'
import { planTopology, topologyNetPlan, topologyNetworks, topologyService } from './topology.ts'
import {
  LAB_NETWORKS,
  LAB_VOLUMES,
  PROGRAM_POLICY,
  programContainer,
  sidecarContainer,
  type ComposeFile,
  type ComposeService,
} from './services.ts'
import { sidecarName, type NetPlan } from '../../services/bin/protocol.ts'

export type { ComposeFile, ComposeService } from './services.ts'

/** What of a run's plan its compose file depends on. */
export type RunIdentity = Pick<RunPlan, 'runId' | 'image' | 'impl'> &
  Partial<Pick<RunPlan, 'captureAll' | 'submissions' | 'hostImages' | 'live' | 'hosts' | 'seed'>>

/** YAML 1.2, as compose reads it, plus the merge keys (`<<: *program`) of docker-compose.yml. */
const COMPOSE_YAML = CORE_SCHEMA.withTags(mergeTag)

export function parseCompose(text: string): ComposeFile {
  return load(text, { schema: COMPOSE_YAML }) as ComposeFile
}

/** A run's compose file as text; no line folding, so long values (a host's LAB_NET plan) stay on one line. */
export function composeText(file: ComposeFile): string {
  return dump(file, { lineWidth: -1 })
}

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

/** A program whose author the lab does not vouch for (a submission, a command of one's own): its output bounded,
 * and the reference solutions and their type-stripped copies in Node's cache out of its sight. */
function bounded(service: ComposeService): ComposeService {
  return {
    ...service,
    tmpfs: [...PROGRAM_POLICY.tmpfs, ...HIDDEN_FROM_SUBMISSIONS.map((dir) => `${dir}:size=1m,mode=0755`)],
    environment: { ...service.environment, LAB_OUTPUT_LIMIT: String(OUTPUT_LIMIT_BYTES) },
  }
}

/** The program container of one host, before it is placed on the lab's networks. */
function programService(
  host: string,
  spec: HostSpec,
  run: RunIdentity,
  labels: Record<string, string>,
  order: HostPlan['order'],
): ComposeService {
  let service: ComposeService = {
    ...programContainer(run.image, host),
    command: spec.program === undefined ? [] : programCommand(spec.program, run.impl, spec.args?.map(literal)),
    labels,
  }
  service.environment = {
    ...literalValues(spec.env),
    ...(order.waitFor.length ? { LAB_WAIT_FOR: order.waitFor.join(' ') } : {}),
    ...(order.startAfter.length ? { LAB_START_AFTER: order.startAfter.join(' ') } : {}),
  }
  if (!Object.keys(service.environment).length) delete service.environment
  if (order.composeAfter.length)
    service.depends_on = Object.fromEntries(order.composeAfter.map((name) => [name, { condition: 'service_started' }]))
  const submission = run.submissions?.[host]
  if (submission) {
    service.command = submission.command
    service.volumes = [...(service.volumes as string[]), `${submission.dir}:${SUBMISSION_DIR}:ro`]
    service = bounded(service)
  }
  if (spec.run && 'command' in spec.run) service = bounded(runCommandService(spec, service))
  return service
}

/** The network sidecar of one host, in its namespace, with the plan it applies. */
function sidecarService(host: string, plan: NetPlan, run: RunIdentity, labels: Record<string, string>): ComposeService {
  return {
    ...sidecarContainer(run.image, host),
    environment: { LAB_HOST: host, LAB_NET: JSON.stringify(plan) },
    labels,
  }
}

export function labCompose(scenario: Scenario, run: RunIdentity): ComposeFile {
  const labels = { [LABEL.run]: run.runId, [LABEL.scenario]: scenario.id }
  const services: Record<string, ComposeService> = {}
  // Several networks: subnets drawn afresh for every run (two runs of one scenario at once must not collide).
  const topology = planTopology(scenario, randomSubnet)

  for (const { name: host, spec, order, net, captures, routesOnly: alone } of run.hosts ??
    planHosts(scenario, { ...run, seed: run.seed ?? randomSeed() })) {
    const service = programService(host, spec, run, labels, order)
    if (spec.inside) {
      // A second program in another host's network namespace: it shares that host's address, faults and sidecar.
      const { hostname: _h, networks: _n, sysctls: _s, extra_hosts: _e, ...shared } = service
      services[host] = { ...shared, network_mode: `service:${spec.inside}` }
      continue
    }
    const placed = topology ? topologyService(scenario, topology, host, service) : service
    if (isForeign(spec))
      Object.assign(services, foreignServices(host, spec, placed, run.hostImages?.[host] ?? spec.image ?? ''))
    else if (!alone) services[host] = placed
    const sidecar = sidecarService(
      host,
      {
        ...net,
        ...(topology ? topologyNetPlan(scenario, topology, host) : {}),
        labNames: Object.keys(scenario.hosts).filter((name) => !scenario.hosts[name].inside),
        capture: captures,
        ...(spec.listens !== undefined ? { listens: spec.listens } : {}),
        ...(order.waitFor.length && net?.timed ? { waitFor: order.waitFor } : {}),
      },
      run,
      labels,
    )
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
  const networks = topology ? topologyNetworks(LAB_NETWORKS.lab, topology) : LAB_NETWORKS
  return { services, networks: labelled(structuredClone(networks)), volumes: labelled(structuredClone(LAB_VOLUMES)) }
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
  return {
    ...compose,
    networks: Object.fromEntries(
      Object.entries(compose.networks).map(([name, network]) => [name, { ...network, ipam: { config: [{ subnet }] } }]),
    ),
  }
}
