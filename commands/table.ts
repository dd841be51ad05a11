// One option table per command drives both its parsing and its usage text, so the two cannot drift apart.
// node:util parseArgs rather than citty (0.2): it is built into Node (nothing more to load before a lab comes
// up) and in strict mode it refuses an option it does not know, where citty passes unknown flags through.
import { parseArgs } from 'node:util'
import { errors } from '../engine/model/errors.ts'

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  /** The value's placeholder in the usage text: FILE, N, ts|python. */
  value?: string
  help: string
}

export type OptionTable = Record<string, OptionSpec>

/** What parsing gives for one option: every value of a repeatable one (none given: []), else its value if given. */
type ValueOf<O extends OptionSpec> = O extends { multiple: true }
  ? string[]
  : O extends { type: 'boolean' }
    ? boolean | undefined
    : O extends { type: 'string'; multiple?: false }
      ? string | undefined
      : string | boolean | string[] | undefined // an OptionSpec not written out: any of them

/** The parsed values of a table, typed by it: a command reads `values.param` as string[], `values.watch` as a boolean. */
export type ValuesOf<T extends OptionTable> = { [K in keyof T]: ValueOf<T[K]> } & { help?: boolean }

export interface Command<T extends OptionTable = OptionTable> {
  /** The word after `lab`; empty for the default command, `lab <scenario>...`. */
  name: string
  /** What follows `npm run lab --` in the usage line. */
  synopsis: string
  summary: string
  /** Whether the command takes words besides options (scenarios); a command that does not refuses them. */
  positionals: boolean
  options: T
  run(values: ValuesOf<T>, positionals: string[]): Promise<number>
}

/** A command, its values typed by its own table (`const` keeps each option's type and `multiple` as written). */
export const defineCommand = <const T extends OptionTable>(command: Command<T>): Command<T> => command

const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' }

/** How an error names the command: `lab list`, or `lab <scenario>` for the default one. */
const commandLabel = (command: Pick<Command, 'name'>) => `lab ${command.name || '<scenario>'}`

const optionsOf = (command: Pick<Command, 'options'>): OptionTable => ({ ...command.options, help: HELP })

export function parseCommand<T extends OptionTable>(
  command: Command<T>,
  argv: string[],
): { values: ValuesOf<T>; positionals: string[] } {
  const options = optionsOf(command)
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) },
    ]),
  )
  // A loose pass first, to name the command and its options when an option is not one of them.
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true })
  for (const token of tokens) {
    if (token.kind === 'option' && !(token.name in options))
      throw errors.unknownOption(
        commandLabel(command),
        token.rawName,
        Object.keys(options).map((name) => `--${name}`),
      )
  }
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: config, strict: true, allowPositionals: true })
  } catch (error) {
    throw errors.usage(`${commandLabel(command)}: ${(error as Error).message.split('\n')[0]}`)
  }
  const values: Record<string, string | boolean | (string | boolean)[] | undefined> = { ...parsed.values }
  for (const [name, o] of Object.entries(options)) if (o.multiple && values[name] === undefined) values[name] = []
  if (!command.positionals && parsed.positionals.length && !values.help) {
    throw errors.usage(`${commandLabel(command)} takes no arguments, not "${parsed.positionals[0]}"`)
  }
  // parseArgs was configured from this very table: each value has the type ValueOf says for its option.
  return { values: values as ValuesOf<T>, positionals: parsed.positionals }
}

function optionLines(command: Pick<Command, 'options'>): string[] {
  const rows = Object.entries(optionsOf(command)).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`,
    o.help,
  ])
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows.map(([left, help]) => `  ${left.padEnd(width)}${help}`)
}

export const synopsisLine = (command: Pick<Command, 'synopsis'>) => `npm run lab -- ${command.synopsis}`

/** `lab <command> --help`: the command's line, what it does, and its options, all from its table. */
export function commandUsage(command: Command): string {
  return [`Usage: ${synopsisLine(command)}`, command.summary, '', 'Options:', ...optionLines(command)].join('\n')
}
