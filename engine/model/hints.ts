// The vocabulary of hints: the likely mistake behind a failed run, in the languages a student reads. The rules
// that find them are in engine/judge/hints.ts and in scenario files.
import type { Check, LabRun, Scenario } from './scenario.ts'

export type Lang = 'pt-BR' | 'en'
export const LANGS: readonly Lang[] = ['pt-BR', 'en']

export interface Hint {
  id: string
  text: Record<Lang, string>
}

export interface HintEvidence {
  run: LabRun
  checks: Check[]
  /** Hosts that ran a submitted program. */
  submitted: string[]
  /** What the scenario declared (its hosts' ports, its expected lines); hintsFor fills it in. */
  scenario?: Partial<Pick<Scenario, 'hosts' | 'expect'>>
}

export interface HintRule {
  id: string
  /** The hint's text when it applies to this run, undefined otherwise. */
  match: (evidence: HintEvidence) => Record<Lang, string> | undefined
}

/** pt-BR when LANG asks for Portuguese, English otherwise. */
export function langFromEnv(lang = process.env.LANG ?? ''): Lang {
  return lang.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en'
}

