// The vocabulary of hints: the likely mistake behind a failed run, in the languages a student reads. The rules
// that find them are in engine/judge/hints.ts and in scenario files.
import type { Check, LabRun } from './observations.ts'

export type Lang = 'pt-BR' | 'en'
/** The language a submitted program is written in, as far as its hints care. */
export type Language = 'python' | 'node'
export const LANGS: readonly Lang[] = ['pt-BR', 'en']

export interface Hint {
  id: string
  text: Record<Lang, string>
  /** The text quotes what these checks (by description) expect. A view that does not show one of them (a hidden
   * check, in the student's view) reads `withheld` instead: the same hint without the quote. */
  quotes?: { checks: string[]; withheld: Record<Lang, string> }
}

export interface HintEvidence {
  run: LabRun
  checks: Check[]
  /** Hosts that ran a submitted program. */
  submitted: string[]
  /** The language of each submitted program, where the lab knows it (by how it runs): a hint's code is in it. */
  languages?: Record<string, Language>
  /** What the scenario declared (its hosts' ports, its expected lines and exits); hintsFor fills it in. Written
   * as the shape a Scenario has, so that this vocabulary needs nothing of the scenario's (which needs HintRule). */
  scenario?: {
    hosts?: Record<string, { listens?: number }>
    expect?: Record<string, { prints?: string[]; exit?: number | 'running' }>
  }
}

export interface HintRule {
  id: string
  /** Its text says the programs talked to each other ("the exchange worked"): it is never given when a check
   * about the conversation failed (hints.ts conversationFailed). */
  claimsExchange?: boolean
  /** The hint's text when it applies to this run (with what it quotes, when it quotes an expectation), undefined otherwise. */
  match: (evidence: HintEvidence) => Record<Lang, string> | Omit<Hint, 'id'> | undefined
}

/** pt-BR when LANG asks for Portuguese, English otherwise. */
export function langFromEnv(lang = process.env.LANG ?? ''): Lang {
  return lang.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en'
}
