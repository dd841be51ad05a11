// The arithmetic and Markdown of the benchmark, kept apart so it can be tested without Docker.
import { formatMs } from '../engine/model/describe.ts'
import { replaceSection } from '../engine/tasks/markdown-section.ts'

export type Samples = Record<string, number[]>

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** One row per variant: median, min, max and every sample, in run order. */
export function summarize(samples: Samples): string {
  const rows = Object.entries(samples).map(
    ([name, values]) =>
      `| ${name} | **${formatMs(median(values))}** | ${formatMs(Math.min(...values))} | ${formatMs(Math.max(...values))} | ${values.map(formatMs).join(', ')} |`,
  )
  return ['| variant | median | min | max | runs |', '|---|---|---|---|---|', ...rows].join('\n')
}

export function machineTable(facts: Record<string, string>): string {
  return `| ${Object.keys(facts).join(' | ')} |\n|${Object.keys(facts)
    .map(() => '---')
    .join('|')}|\n| ${Object.values(facts).join(' | ')} |`
}

/** Replaces the text between <!-- bench:NAME --> and <!-- /bench:NAME --> markers, which must exist. */
export function replaceBenchSection(text: string, name: string, body: string): string {
  const markers = { begin: `<!-- bench:${name} -->`, end: `<!-- /bench:${name} -->` }
  const replaced = replaceSection(text, markers, body)
  if (replaced === undefined) throw new Error(`docs/BENCHMARKS.md has no ${markers.begin} … ${markers.end} section`)
  return replaced
}
