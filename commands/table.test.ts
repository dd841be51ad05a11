import { describe, expect, expectTypeOf, it } from 'vitest'
import { chooseCommand, globalUsage } from './index.ts'
import { commandUsage, defineCommand, parseCommand } from './table.ts'

const parse = async (argv: string[]) => {
  const { command, args } = await chooseCommand(argv)
  return { command: command.name, ...parseCommand(command, args) }
}

describe('chooseCommand and parseCommand', () => {
  it('gives each command its own options', async () => {
    expect(await parse(['tcp-basic', '--impl', 'python', '--param', 'loss=10'])).toMatchObject({
      command: '',
      positionals: ['tcp-basic'],
      values: { impl: 'python', param: ['loss=10'] },
    })
    expect(await parse(['grade', 'tcp-basic', '--server', 'e/*/s.py', '--grades', 'notas'])).toMatchObject({
      command: 'grade',
      positionals: ['tcp-basic'],
      values: { server: 'e/*/s.py', grades: 'notas' },
    })
    expect(await parse(['soak', '--runs', '3', '--no-write'])).toMatchObject({
      command: 'soak',
      values: { runs: '3', 'no-write': true },
    })
  })

  it('refuses an option the command does not take, in one line naming its options', async () => {
    await expect(parse(['list', '--report', 'x.html'])).rejects.toThrow(
      /^lab list does not take --report \(its options: --scenarios, --help\)$/,
    )
    await expect(parse(['--report', 'x.html', 'list'])).rejects.toThrow(
      /^lab list does not take --report \(its options: --scenarios, --help\)$/,
    )
    await expect(parse(['grade', 'tcp-basic', '--server', 'x', '--capture', 'd'])).rejects.toThrow(
      /^lab grade does not take --capture \(its options: --impl, --param, --seed, --server, --client, --host, --lang, --parallel, --pool, --no-pool, --grades, --exercise, --entry, --report, --resume, --only-failed, --engines, --slice, --row-lines, --help\)$/,
    )
    await expect(parse(['grade', 'tcp-basic', '--output', 'x'])).rejects.toThrow(/^lab grade does not take --output /)
    await expect(parse(['tcp-basic', '--bogus'])).rejects.toThrow(
      /^lab <scenario> does not take --bogus \(its options: --impl, --param, --seed, --server, --client, --host, --lang, --parallel, --capture, --report, --reporter, --output, --exercise, --view, --due, --in, --watch, --ui, --port, --bind, --no-stop-early, --scenarios, --shard, --help\)$/,
    )
    await expect(parse(['build', '-x'])).rejects.toThrow(
      /^lab build does not take -x \(its options: --offline, --help\)$/,
    )
  })

  it('refuses words a command does not take and options without their value', async () => {
    await expect(parse(['list', 'extra'])).rejects.toThrow('lab list takes no arguments, not "extra"')
    await expect(parse(['tcp-basic', '--impl'])).rejects.toThrow(
      "lab <scenario>: Option '--impl <value>' argument missing",
    )
  })

  it("takes a command word given as an option's value for that value", async () => {
    expect(await parse(['tcp-basic', '--output', 'list'])).toMatchObject({
      command: '',
      positionals: ['tcp-basic'],
      values: { output: 'list' },
    })
  })
})

describe('usage', () => {
  it('is generated from the same table: every option the parser accepts, and only those', async () => {
    const { command } = await chooseCommand(['build'])
    expect(commandUsage(command)).toBe(
      [
        'Usage: npm run lab -- build [--offline]',
        '(re)build the lab image',
        '',
        'Options:',
        '      --offline  do not use the registry: build the base image locally (needs mmdebstrap)',
        '  -h, --help     show this help',
      ].join('\n'),
    )
  })

  it("lists every command and the default command's options", async () => {
    const text = await globalUsage()
    for (const word of [
      'list',
      'build [--offline]',
      'clean [<scenario>...] [--images]',
      'grade <scenario> --server GLOB',
      'soak [--runs N]',
    ])
      expect(text).toContain(`npm run lab -- ${word}`)
    expect(text).toContain('  -o, --output FILE')
    expect(text).not.toContain('--grades')
  })
})

it('gives each value the type its option says: a repeatable one string[], a flag a boolean, the rest a string', () => {
  const command = defineCommand({
    name: 'x',
    synopsis: 'x',
    summary: 'x',
    positionals: false,
    options: {
      n: { type: 'string', value: 'N', help: 'n' },
      many: { type: 'string', multiple: true, help: 'many' },
      flag: { type: 'boolean', help: 'flag' },
    },
    async run() {
      return 0
    },
  })
  const { values } = parseCommand(command, ['--n', '3', '--many', 'a', '--many', 'b', '--flag'])
  expectTypeOf(values.n).toEqualTypeOf<string | undefined>()
  expectTypeOf(values.many).toEqualTypeOf<string[]>()
  expectTypeOf(values.flag).toEqualTypeOf<boolean | undefined>()
  expect(values).toEqual({ n: '3', many: ['a', 'b'], flag: true })
  expect(parseCommand(command, []).values).toEqual({ many: [] })
})
