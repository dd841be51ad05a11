// Every user-facing error of the lab: one line saying what is wrong and how to fix it, with its exit code.
// Expected failures never reach the user as a stack trace.

/** internal: a bug of the lab itself (an error nobody expected), as sysexits' EX_SOFTWARE. */
export const EXIT = {
  passed: 0,
  failed: 1,
  usage: 2,
  internal: 70,
  interrupted: 130,
  pipe: 141,
  terminated: 143,
} as const

export class LabError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message)
    this.exitCode = exitCode
    this.name = 'LabError'
  }
}

export const errors = {
  usage: (detail: string) => new LabError(`${detail} (see \`npm run lab -- --help\`)`),
  /** A student's file or folder the lab will not read (a link, a FIFO, too large): that student's row says it. */
  badSubmission: (detail: string) => new LabError(detail),
  unknownScenario: (name: string, known: string[]) =>
    new LabError(`unknown scenario "${name}"; known scenarios: ${known.join(', ')}`),
  dockerCliMissing: () =>
    new LabError(
      'the docker command was not found: install Docker Engine or Docker Desktop and make sure `docker` is on PATH',
    ),
  daemonDown: () =>
    new LabError(
      'the Docker daemon is not running: start it (`sudo systemctl start docker`, or `sudo dockerd &`, or open Docker Desktop)',
    ),
  socketPermission: (socket: string) =>
    new LabError(
      `permission denied on the Docker socket ${socket}: add yourself to the docker group (\`sudo usermod -aG docker $USER\`, then log in again) or run as root`,
    ),
  daemonAddress: (host: string) =>
    new LabError(`cannot reach the Docker daemon at "${host}": DOCKER_HOST takes unix://, tcp:// or ssh:// addresses`),
  composeMissing: () =>
    new LabError(
      'Docker Compose v2 is missing: install the compose plugin so that `docker compose version` prints v2 or later',
    ),
  mmdebstrapMissing: (base: string) =>
    new LabError(
      `cannot pull ${base} and cannot build an offline base without mmdebstrap: install it (\`sudo apt-get install mmdebstrap\`) or give the lab registry access`,
    ),
  imageBuildFailed: (step: string, detail: string) =>
    new LabError(`building the lab image failed at "${step}": ${detail}`),
  /** A mistake in a scenario file (the lab's own are held to it by their tests): the author's to fix. */
  badScenario: (detail: string) => new LabError(detail),
  scenarioFileFailed: (file: string, detail: string) =>
    new LabError(`cannot load the scenario file "${file}": ${detail}`),
  hostImageMissing: (host: string, image: string) =>
    new LabError(
      `host "${host}" runs the image "${image}", which is not on this Docker engine and could not be pulled: build or pull it first`,
    ),
  hostBuildFailed: (host: string, detail: string) =>
    new LabError(
      `building the image of host "${host}" failed: ${detail.replace(/^building the lab image failed at /, '')}`,
    ),
  unknownOption: (command: string, option: string, known: string[]) =>
    new LabError(`${command} does not take ${option} (its options: ${known.join(', ')})`),
  badGrading: (where: string, detail: string) => new LabError(`${where}: ${detail}`),
  engineFailed: (engine: string, detail: string) => new LabError(`grading on engine ${engine} failed: ${detail}`),
  impairMode: (variable: string, value: string, modes: readonly string[]) =>
    new LabError(
      `${variable}="${value}" is not an impairment engine: use ${modes.join(', ')} (auto: netem where the kernel has it)`,
    ),
  noLiveLab: (name: string | undefined, up: string[]) =>
    new LabError(
      name === undefined
        ? 'no lab is up: start one with `npm run lab -- up <scenario>`'
        : `no live lab "${name}"; ${up.length ? `labs up: ${up.join(', ')}` : 'none is up (`npm run lab -- up <scenario>`)'}`,
    ),
  noHost: (lab: string, host: string, hosts: string[]) =>
    new LabError(`lab ${lab} has no host "${host}" (hosts: ${hosts.join(', ')})`),
  labGone: (lab: string) =>
    new LabError(
      `lab ${lab} is no longer running (removed by \`lab clean\`, or by hand): \`npm run lab -- down ${lab}\` forgets it`,
    ),
  phaseTimeout: (phase: string, ms: number) =>
    new LabError(
      `the "${phase}" phase did not finish within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`,
      EXIT.failed,
    ),
} as const

/** The last meaningful line of a command's output, for one-line error reports. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  return lines.at(-1) ?? '(no output)'
}

/** A command-line option that must be a whole number of at least 1 (`--parallel`, `--runs`). */
export function positiveInteger(option: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw errors.usage(`--${option} takes a whole number from 1, not "${value}"`)
  return n
}
