// Options that several commands take, declared once, and how their values are read.
import os from 'node:os'
import { errors, positiveInteger } from '../engine/model/errors.ts'
import { LANGS, langFromEnv, type Lang } from '../engine/model/hints.ts'
import { IMPLS, type Impl } from '../engine/model/scenario.ts'
import { VIEWS, type View } from '../engine/model/points.ts'
import { SEED_MAX } from '../engine/plan/seeds.ts'
import type { ViewChoice } from '../engine/model/view.ts'
import type { OptionSpec } from './table.ts'

export const IMPL = {
  type: 'string',
  value: IMPLS.join('|'),
  help: 'which reference programs run (default: ts)',
} satisfies OptionSpec
export const PARAM = {
  type: 'string',
  multiple: true,
  value: 'name=N',
  help: 'change a scenario parameter (e.g. loss=10 for udp-loss); repeatable',
} satisfies OptionSpec
export const LANG = {
  type: 'string',
  value: LANGS.join('|'),
  help: 'language of the hints (default: from LANG)',
} satisfies OptionSpec
export const SCENARIOS = {
  type: 'string',
  value: 'DIR',
  help: "the scenario folder (default: the lab's own catalog); a scenario may also be named by its file",
} satisfies OptionSpec
export const EXERCISE = {
  type: 'string',
  value: 'DIR',
  help: "an exercise folder: its exercise.json names the scenario and gives the checks' points",
} satisfies OptionSpec
export const VIEW = {
  type: 'string',
  value: VIEWS.join('|'),
  help: 'whose report: the student sees no hidden check (their points still count); default: teacher',
} satisfies OptionSpec
export const DUE = {
  type: 'string',
  value: 'DATE',
  help: 'the due date (ISO 8601); after it, students also see after_due_date checks',
} satisfies OptionSpec
export const PARALLEL = {
  type: 'string',
  value: 'N',
  help: 'labs at once (default: the number of cores)',
} satisfies OptionSpec

export const SEED = {
  type: 'string',
  value: 'N',
  help: `every random fault draws from this seed, 0 to ${SEED_MAX} (default: a new one, reported): the same seed reruns the same losses`,
} satisfies OptionSpec

/** --server, --client, --host: a program of one's own in a host; `what` is FILE, or GLOB for grade. */
export function hostOptions(what: string) {
  return {
    server: {
      type: 'string',
      value: what,
      help: 'your program in host `server` (.py: python3; .js/.mjs/.cjs/.ts: node; else #!)',
    },
    client: { type: 'string', value: what, help: 'the same for host `client`' },
    host: { type: 'string', multiple: true, value: `NAME=${what}`, help: 'the same for any host; repeatable' },
  } satisfies Record<'server' | 'client' | 'host', OptionSpec>
}

export function parseImpl(option: string | undefined): Impl {
  if (option === undefined) return 'ts'
  if (!IMPLS.includes(option as Impl)) throw errors.usage(`--impl must be one of ${IMPLS.join(', ')}, not "${option}"`)
  return option as Impl
}

/** --seed: a whole number that fits 32 bits, written in decimal digits; undefined when not given. */
export function parseSeed(option: string | undefined): number | undefined {
  if (option === undefined) return undefined
  const seed = /^\d{1,10}$/.test(option) ? Number(option) : NaN
  if (!(seed <= SEED_MAX)) throw errors.usage(`--seed takes a whole number from 0 to ${SEED_MAX}, not "${option}"`)
  return seed
}

export function parseLang(option: string | undefined): Lang {
  if (option === undefined) return langFromEnv()
  if (!LANGS.includes(option as Lang)) throw errors.usage(`--lang must be one of ${LANGS.join(', ')}, not "${option}"`)
  return option as Lang
}

export function parseParallel(option: string | undefined): number {
  return option === undefined ? os.availableParallelism() : positiveInteger('parallel', option)
}

export function parseView(view: string | undefined, due: string | undefined, now = Date.now()): ViewChoice {
  if (view !== undefined && !VIEWS.includes(view as View))
    throw errors.usage(`--view must be one of ${VIEWS.join(', ')}, not "${view}"`)
  const dueAt = due === undefined ? undefined : Date.parse(due)
  if (dueAt !== undefined && Number.isNaN(dueAt))
    throw errors.usage(`--due takes a date such as 2026-03-31T23:59-03:00, not "${due}"`)
  return { view: (view as View | undefined) ?? 'teacher', afterDue: dueAt !== undefined && now >= dueAt }
}

export const say = (line: string) => console.log(`» ${line}`)
