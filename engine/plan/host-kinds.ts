// What a host runs, by kind: a reference program, a program or command of one's own in the lab's image, or any
// image (given, or built from a Dockerfile folder). Pure: the services each kind adds to a run's compose file.
//
// The lab's readiness lives in its image (lab-run waits for the sidecar's ready link and for the servers a host
// needs), which a foreign image lacks. So a foreign host is three containers in one network namespace: `<host>`,
// a lab-image container that only holds the namespace (and the host's name on the network), its sidecar joining
// it as for any host, and `<host>-gate`, lab-run with nothing to run; the foreign program, `<host>-program`,
// joins the same namespace and Compose starts it only once the gate exited 0 (service_completed_successfully).
// Nothing is copied into the foreign image and its entrypoint is its own: a distroless image works too.
import path from 'node:path'
import type { HostSpec, Scenario } from '../model/scenario.ts'

/** A compose service, as compose.ts builds it (declared here too: compose.ts imports this file). */
type ComposeService = Record<string, unknown>

export type HostKind = 'program' | 'run-file' | 'run-command' | 'image' | 'build'

/** Where a `run: { command, files }` host finds its files, and works. */
const FILES_DIR = '/opt/lab/files'
/** What a container that only holds a host's namespace runs: a foreign image's holder, an idle host, a live lab's
 * program container. */
export const IDLE_COMMAND: readonly string[] = ['sleep', 'infinity']
/** The services of a foreign host besides `<host>` and its sidecar. */
export const gateName = (host: string) => `${host}-gate`
export const foreignProgramName = (host: string) => `${host}-program`
/** Images built from a scenario's `build` folder: `socket-lab-build:<content digest>`, labelled for `lab clean --images`. */
export const BUILD_IMAGE = 'socket-lab-build'
export const BUILD_LABEL = 'socket-lab.build'

/** The limits of a sandboxed foreign program: the lab's own programs' (docker-compose.yml x-program). */
const SANDBOX: ComposeService = {
  cap_drop: ['ALL'],
  security_opt: ['no-new-privileges:true'],
  pids_limit: 128,
  mem_limit: '256m',
  cpus: 1,
}

function hostKind(spec: HostSpec): HostKind {
  if (spec.run) return 'command' in spec.run ? 'run-command' : 'run-file'
  if (spec.image) return 'image'
  if (spec.build) return 'build'
  return 'program'
}

/** Whether a kind runs an image other than the lab's. */
export const isForeign = (spec: HostSpec) => ['image', 'build'].includes(hostKind(spec))

/** What is wrong with a host's declaration, in words; undefined when nothing is. */
export function hostKindProblem(host: string, spec: HostSpec): string | undefined {
  const kinds = (['program', 'run', 'image', 'build'] as const).filter((key) => spec[key] !== undefined)
  if (kinds.length !== 1)
    return `host "${host}" must say what it runs with exactly one of program, run, image or build${kinds.length ? ` (it has ${kinds.join(' and ')})` : ''}`
  const foreign = isForeign(spec)
  for (const key of ['command', 'user', 'sandbox'] as const) {
    if (spec[key] !== undefined && !foreign) return `host "${host}": ${key} is for image and build hosts`
  }
  if (foreign && spec.inside) return `host "${host}": an image or build host cannot run inside another host`
  if (spec.run && 'command' in spec.run && (!Array.isArray(spec.run.command) || !spec.run.command.length))
    return `host "${host}": run.command must be a non-empty list of words`
  if (/-(gate|program|net)$/.test(host))
    return `host "${host}": names ending in -gate, -program or -net are the lab's own`
  return undefined
}

/** The scenario with every path of its hosts made absolute, counting from `dir` (its file's folder). */
export function resolveHostPaths(scenario: Scenario, dir: string): Scenario {
  const hosts = Object.fromEntries(
    Object.entries(scenario.hosts).map(([name, spec]) => {
      const resolved: HostSpec = { ...spec }
      if (spec.run)
        resolved.run =
          'file' in spec.run
            ? { file: path.resolve(dir, spec.run.file) }
            : { ...spec.run, files: spec.run.files?.map((file) => path.resolve(dir, file)) }
      if (typeof spec.build === 'string') resolved.build = { context: path.resolve(dir, spec.build) }
      else if (spec.build) resolved.build = { ...spec.build, context: path.resolve(dir, spec.build.context) }
      return [name, resolved]
    }),
  )
  return { ...scenario, hosts }
}

/** Compose substitutes `${VAR}` from the engine's environment in every value: what a scenario says stays literal. */
export const literal = (text: string) => text.split('$').join('$$')
export const literalValues = (values: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, literal(value)]))

/** A `run: { command, files }` host: the lab's program container, running the command among its files. */
export function runCommandService(spec: HostSpec, service: ComposeService): ComposeService {
  if (!spec.run || !('command' in spec.run)) return service
  const mounts = (spec.run.files ?? []).map((source) => ({
    type: 'bind',
    source: literal(source),
    target: `${FILES_DIR}/${path.basename(source)}`,
    read_only: true,
  }))
  return {
    ...service,
    command: spec.run.command.map(literal),
    working_dir: FILES_DIR,
    volumes: [...((service.volumes as unknown[]) ?? []), ...mounts],
  }
}

/** An `image` or `build` host: `service` (the lab's program container, from the base file's template) becomes the
 * namespace holder; the gate and the foreign program are added beside it. */
export function foreignServices(
  host: string,
  spec: HostSpec,
  service: ComposeService,
  image: string,
): Record<string, ComposeService> {
  const { command: _c, environment, depends_on, ...template } = service
  const labels = service.labels
  const holder: ComposeService = { ...template, entrypoint: [...IDLE_COMMAND], user: 'lab', cap_add: [] }
  const gate: ComposeService = {
    ...template,
    hostname: undefined,
    networks: undefined,
    sysctls: undefined,
    extra_hosts: undefined,
    network_mode: `service:${host}`,
    command: ['true'],
    ...(environment ? { environment } : {}),
    ...(depends_on ? { depends_on } : {}),
  }
  const program: ComposeService = {
    image: literal(image),
    init: true,
    network_mode: `service:${host}`,
    depends_on: { [gateName(host)]: { condition: 'service_completed_successfully' } },
    environment: { LAB_SERVER_HOST: 'server', LAB_PORT: '12345', ...literalValues(spec.env) },
    ...(spec.command ? { command: spec.command.map(literal) } : {}),
    ...(spec.user ? { user: literal(spec.user) } : {}),
    ...(spec.sandbox === false ? {} : SANDBOX),
    logging: template.logging,
    stop_grace_period: '1s',
    labels,
  }
  for (const service of [gate])
    for (const key of Object.keys(service)) if (service[key] === undefined) delete service[key]
  return { [host]: holder, [gateName(host)]: gate, [foreignProgramName(host)]: program }
}
