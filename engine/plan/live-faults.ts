// `lab fault` in words (`loss 30`, `rate 512`, `partition a b`, `clear`) turned into the scenario files' own fault
// vocabulary, and the faults a live lab then has: a new fault replaces one of the same kind on the same host.
import { errors } from '../model/errors.ts'
import type { Fault } from '../model/scenario.ts'
import { validateFaults } from './faults.ts'

export type FaultChange = { add: Fault } | { clear: string | undefined }

const FAULT_USAGE =
  'lab fault <host> loss PERCENT | rate KBIT | blackhole | reject | disconnect | clear; lab fault partition A B; lab fault clear'

/** Reads `<host> loss 30`, `partition a b`, `<host> clear` or `clear`; hosts must be the lab's. */
export function parseFaultWords(words: string[], hosts: string[]): FaultChange {
  const bad = (why: string) => errors.usage(`${why} (${FAULT_USAGE})`)
  if (words[0] === 'clear' && words.length === 1) return { clear: undefined }
  if (words[0] === 'partition') {
    if (words.length !== 3) throw bad('partition takes two hosts')
    for (const host of words.slice(1))
      if (!hosts.includes(host)) throw bad(`no host "${host}" in this lab (hosts: ${hosts.join(', ')})`)
    return { add: { kind: 'partition', between: [words[1], words[2]] } }
  }
  const [host, kind, value, ...rest] = words
  if (!host || !hosts.includes(host))
    throw bad(host ? `no host "${host}" in this lab (hosts: ${hosts.join(', ')})` : 'name a host and a fault')
  const number = (what: string) => {
    if (value === undefined || rest.length || !/^\d+$/.test(value))
      throw bad(`${kind} takes one whole number (${what})`)
    return Number(value)
  }
  const bare = () => {
    if (value !== undefined) throw bad(`${kind} takes nothing more, not "${value}"`)
  }
  switch (kind) {
    case 'loss':
      return { add: { kind: 'loss', host, percent: number('percent') } }
    case 'rate':
      return { add: { kind: 'rate', host, kbit: number('kbit/s') } }
    case 'blackhole':
      bare()
      return { add: { kind: 'blackhole', host } }
    case 'reject':
      bare()
      return { add: { kind: 'reject', host } }
    case 'disconnect':
      bare()
      return { add: { kind: 'disconnect', host } }
    case 'clear':
      bare()
      return { clear: host }
    default:
      throw bad(kind ? `unknown fault "${kind}"` : `say which fault for ${host}`)
  }
}

const hostsOf = (fault: Fault) => (fault.kind === 'partition' ? fault.between : [fault.host])
const sameSlot = (a: Fault, b: Fault) => a.kind === b.kind && hostsOf(a).join() === hostsOf(b).join()

/** The faults after a change, checked as a scenario's are (a loss of 130 % is refused here). */
export function changeFaults(faults: Fault[], change: FaultChange, hosts: string[]): Fault[] {
  const next =
    'add' in change
      ? [...faults.filter((fault) => !sameSlot(fault, change.add)), change.add]
      : change.clear === undefined
        ? []
        : faults.filter((fault) => !hostsOf(fault).includes(change.clear!))
  try {
    validateFaults({ hosts: Object.fromEntries(hosts.map((h) => [h, { program: '' }])), faults: next })
  } catch (error) {
    throw errors.usage((error as Error).message)
  }
  return next
}
