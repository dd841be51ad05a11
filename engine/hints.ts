// The likely mistake behind a failed run, in words a student knows, in Portuguese or English. Generic rules
// read the evidence any scenario has (exit codes, stderr, listening sockets); a scenario adds its own.
import { errorLine } from './checks.ts'
import type { Check, LabRun, Scenario } from './scenario.ts'
import { isLoopbackOnly, socketsOn } from './sockets.ts'

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

const PORT = 12345

function submittedHosts({ run, submitted }: HintEvidence) {
  return submitted.map((name) => run.hosts[name]).filter((host) => host !== undefined)
}

const stderrOf = (evidence: HintEvidence) => submittedHosts(evidence).flatMap((h) => h.stderr.map((l) => l.text)).join('\n')
const stdoutOf = (evidence: HintEvidence) => submittedHosts(evidence).flatMap((h) => h.stdout.map((l) => l.text)).join('\n')

export const GENERIC_HINTS: HintRule[] = [
  {
    id: 'output-flood',
    match: (e) => submittedHosts(e).some((h) => h.outputCut) ? {
      'pt-BR': 'Seu programa escreveu mais de 1 MiB e foi interrompido: há um print dentro de um laço que não termina?',
      en: 'Your program wrote more than 1 MiB and was stopped: is there a print inside a loop that never ends?',
    } : undefined,
  },
  {
    id: 'syntax-error',
    match: (e) => {
      const line = stderrOf(e).split('\n').find((l) => /\b(SyntaxError|IndentationError|TabError)\b/.test(l))
      return line ? {
        'pt-BR': `Seu programa nem chegou a rodar: erro de sintaxe (${line.trim()}). Corrija a linha indicada no erro.`,
        en: `Your program never ran: a syntax error (${line.trim()}). Fix the line the error points to.`,
      } : undefined
    },
  },
  {
    id: 'encode',
    match: (e) => /a bytes-like object is required, not 'str'|ERR_INVALID_ARG_TYPE/.test(stderrOf(e)) ? {
      'pt-BR': "Sockets enviam bytes, não texto: use mensagem.encode('utf-8') antes de send().",
      en: "Sockets send bytes, not text: call message.encode('utf-8') before send().",
    } : undefined,
  },
  {
    id: 'decode',
    match: (e) => /\bb(['"]).*\1/.test(stdoutOf(e)) ? {
      'pt-BR': "Você imprimiu bytes (b'...'): use dados.decode('utf-8') depois de recv().",
      en: "You printed bytes (b'...'): call data.decode('utf-8') after recv().",
    } : undefined,
  },
  {
    id: 'bound-to-localhost',
    match: (e) => submittedHosts(e).some((h) => isLoopbackOnly(h.listening ?? [], 'tcp', PORT)) ? {
      'pt-BR': "O servidor escuta só em localhost (127.0.0.1), então clientes de outras máquinas são recusados: use bind(('0.0.0.0', 12345)).",
      en: "The server listens on localhost (127.0.0.1) only, so clients on other hosts are refused: bind(('0.0.0.0', 12345)) instead.",
    } : undefined,
  },
  {
    id: 'wrong-port',
    match: (e) => {
      for (const host of submittedHosts(e)) {
        // 127.0.0.11 is Docker's own DNS resolver, present in every host
        const tcp = socketsOn(host.listening ?? [], 'tcp').filter((s) => s.address !== '127.0.0.11')
        const other = tcp.find((s) => s.port !== PORT)
        if (other && !tcp.some((s) => s.port === PORT)) {
          const port = other.port
          return {
            'pt-BR': `O servidor escuta na porta ${port}, mas o exercício usa a porta ${PORT} (LAB_PORT).`,
            en: `The server listens on port ${port}, but the exercise uses port ${PORT} (LAB_PORT).`,
          }
        }
      }
      return undefined
    },
  },
  {
    id: 'crashed',
    match: (e) => {
      const crashed = submittedHosts(e).find((h) => h.exitCode !== null && h.exitCode !== 0)
      const last = crashed && errorLine(crashed)
      return crashed ? {
        'pt-BR': `Seu programa (${crashed.host}) terminou com erro (código ${crashed.exitCode})${last ? `: ${last}` : ''}.`,
        en: `Your program (${crashed.host}) stopped with an error (exit code ${crashed.exitCode})${last ? `: ${last}` : ''}.`,
      } : undefined
    },
  },
]

/** The likely mistake behind a failed run of submitted programs: the first rule that matches, the scenario's
 * own rules before the generic ones (most specific first). Empty when nothing failed or nothing matches. */
export function hintsFor(scenario: Pick<Scenario, 'hints'>, evidence: HintEvidence): Hint[] {
  if (evidence.submitted.length === 0 || evidence.checks.every((check) => check.passed)) return []
  for (const rule of [...(scenario.hints ?? []), ...GENERIC_HINTS]) {
    const text = rule.match(evidence)
    if (text) return [{ id: rule.id, text }]
  }
  return []
}
