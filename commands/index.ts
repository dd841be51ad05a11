// Which command a command line names, loaded lazily: only the chosen command's module (and what it imports)
// loads before its lab comes up. `lab --help` loads them all, to print every table.
import type { Command } from './table.ts'
import { commandUsage, synopsisLine } from './table.ts'

const LOADERS: Record<string, () => Promise<{ default: Command }>> = {
  list: () => import('./list.ts'),
  build: () => import('./build.ts'),
  clean: () => import('./clean.ts'),
  grade: () => import('./grade.ts'),
  soak: () => import('./soak.ts'),
  up: () => import('./up.ts'),
  ps: () => import('./ps.ts'),
  down: () => import('./down.ts'),
  shell: () => import('./shell.ts'),
  exec: () => import('./exec.ts'),
  capture: () => import('./capture.ts'),
  fault: () => import('./fault.ts'),
  ui: () => import('./ui.ts'),
}
const loadRun = () => import('./run.ts')

/** The command and its own arguments. The command word comes first (`lab list`); one placed after options
 * (`lab --report r.html list`) still names the command, so that it can say which option it does not take. */
export async function chooseCommand(argv: string[]): Promise<{ command: Command; args: string[] }> {
  if (argv[0] === 'run') argv = argv.slice(1) // `lab run <scenario>` says what `lab <scenario>` does
  const at = argv.findIndex((word) => word in LOADERS)
  if (at === 0) return { command: (await LOADERS[argv[0]]()).default, args: argv.slice(1) }
  const run = (await loadRun()).default
  if (at > 0 && !takesValue(run, argv[at - 1]))
    return { command: (await LOADERS[argv[at]]()).default, args: [...argv.slice(0, at), ...argv.slice(at + 1)] }
  return { command: run, args: argv }
}

/** `--output list` gives the value "list" to --output: that word is no command. */
function takesValue(command: Command, word: string): boolean {
  if (word.includes('=')) return false
  const option = Object.entries(command.options).find(
    ([name, o]) => word === `--${name}` || (o.short && word === `-${o.short}`),
  )
  return option?.[1].type === 'string'
}

export async function globalUsage(): Promise<string> {
  const commands = [
    (await loadRun()).default,
    ...(await Promise.all(Object.values(LOADERS).map(async (load) => (await load()).default))),
  ]
  const width = Math.max(...commands.map((c) => synopsisLine(c).length)) + 2
  return [
    'socket-lab: run socket programs in real containers, inject faults, assert the outcome.',
    '',
    'Usage:',
    ...commands.map((c) => `  ${synopsisLine(c).padEnd(width)}${c.summary}`),
    '',
    `Each command's options: npm run lab -- <command> --help. Those of \`lab <scenario>\`:`,
    '',
    ...commandUsage(commands[0]).split('\n').slice(4),
    '',
    'Exit codes: 0 all passed, 1 a scenario failed, 2 usage or environment error, 70 a bug of the lab, 130 interrupted (143 SIGTERM).',
  ].join('\n')
}
