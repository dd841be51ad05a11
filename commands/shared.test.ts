import { describe, expect, it } from 'vitest'
import { EXIT, LabError } from '../engine/model/errors.ts'
import { chooseCommand } from './index.ts'
import { parseSeed, parseView } from './shared.ts'
import { parseCommand } from './table.ts'

it("is the teacher's view by default; the student's shows after_due_date checks only once the due date passed", () => {
  const now = Date.parse('2026-04-01T12:00:00Z')
  expect(parseView(undefined, undefined, now)).toEqual({ view: 'teacher', afterDue: false })
  expect(parseView('student', '2026-03-31T23:59:00-03:00', now)).toEqual({ view: 'student', afterDue: true })
  expect(parseView('student', '2026-04-02', now)).toEqual({ view: 'student', afterDue: false })
  expect(() => parseView('aluno', undefined)).toThrow('--view must be one of student, teacher, not "aluno"')
  expect(() => parseView('student', 'amanhã')).toThrow(
    '--due takes a date such as 2026-03-31T23:59-03:00, not "amanhã"',
  )
})

it('reads --seed as a whole number that fits 32 bits, and refuses anything else in one line', () => {
  expect(parseSeed(undefined)).toBeUndefined()
  expect(parseSeed('0')).toBe(0)
  expect(parseSeed('1234')).toBe(1234)
  expect(parseSeed('4294967295')).toBe(4294967295)
  for (const bad of ['x', '-1', '4294967296', '99999999999', '1.5', '1e3', '0x10', ' 7', ''])
    expect(() => parseSeed(bad), bad).toThrow(
      new LabError(`--seed takes a whole number from 0 to 4294967295, not "${bad}" (see \`npm run lab -- --help\`)`),
    )
})

describe('--seed x, before anything starts', () => {
  it.each([
    [['udp-loss', '--seed', 'x'], 'x'],
    [['udp-loss', '--seed=-1'], '-1'],
    [['udp-loss', '--seed', '4294967296'], '4294967296'],
    [['grade', 'udp-loss', '--server', 'nowhere/*.py', '--seed', 'x'], 'x'],
    // node:util's parseArgs takes `-1` after a space for an option of its own, and says so
    [['udp-loss', '--seed', '-1'], undefined],
  ])('lab %j exits 2 with one line', async (argv, value) => {
    const refused = await (async () => {
      const { command, args } = await chooseCommand(argv)
      const { values, positionals } = parseCommand(command, args)
      return command.run(values, positionals)
    })().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(LabError)
    expect((refused as LabError).exitCode).toBe(EXIT.usage)
    expect((refused as LabError).message).not.toContain('\n')
    expect((refused as LabError).message).toMatch(
      value === undefined
        ? /^lab <scenario>: Option '--seed' argument is ambiguous/
        : `--seed takes a whole number from 0 to 4294967295, not "${value}" (see`,
    )
  })
})
