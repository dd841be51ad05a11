// The arithmetic and Markdown of the benchmark, kept apart so it can be tested without Docker.
import { formatMs } from '../engine/judge/checks.ts'

export type Samples = Record<string, number[]>

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** One row per variant: median, min, max and every sample, in run order. */
export function summarize(samples: Samples): string {
  const rows = Object.entries(samples).map(([name, values]) =>
    `| ${name} | **${formatMs(median(values))}** | ${formatMs(Math.min(...values))} | ${formatMs(Math.max(...values))} | ${values.map(formatMs).join(', ')} |`)
  return ['| variant | median | min | max | runs |', '|---|---|---|---|---|', ...rows].join('\n')
}

export function machineTable(facts: Record<string, string>): string {
  return `| ${Object.keys(facts).join(' | ')} |\n|${Object.keys(facts).map(() => '---').join('|')}|\n| ${Object.values(facts).join(' | ')} |`
}

/** Replaces the text between <!-- bench:NAME --> and <!-- /bench:NAME --> markers, which must exist. */
export function replaceSection(text: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`
  const close = `<!-- /bench:${name} -->`
  const start = text.indexOf(open)
  const end = text.indexOf(close)
  if (start < 0 || end < start) throw new Error(`docs/BENCHMARKS.md has no ${open} … ${close} section`)
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`
}
