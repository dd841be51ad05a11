// The bench's `warm-rerun` section (issue 15's target: <= 0.3 s median): tcp-basic rerun again and again in one
// live lab, in this process, as `--watch` reruns it; every run must pass. The lab's state folder is a temporary
// one, and the lab goes down whatever happens.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { formatMs } from '../engine/judge/checks.ts'
import { median, summarize } from './figures.ts'

const SCENARIO = 'tcp-basic'
const TARGET_MS = 300

/** The lab's default programs (TypeScript on Node), and the guide's Python ones, which the Mininet baseline runs. */
const IMPLS = ['ts', 'python'] as const

export async function warmRerun(runs: number): Promise<string> {
  const state = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-bench-warm-'))
  // live-lab.ts reads the state folder once, when first imported: every engine module is imported after this.
  process.env.SOCKET_LAB_STATE = state
  const { loadCatalog, selectScenarios } = await import('../engine/plan/catalog.ts')
  const docker = await import('../engine/runtime/docker.ts')
  const { ensureLabImage } = await import('../engine/runtime/image.ts')
  const { downLiveLab, upLiveLab } = await import('../engine/runtime/live.ts')
  const { runWarm } = await import('../engine/runtime/warm-start.ts')
  const [scenario] = selectScenarios(await loadCatalog(undefined, {}, [SCENARIO]), [SCENARIO])
  const image = await ensureLabImage(() => undefined, {}, docker.preflight())
  const samples: Record<string, number[]> = {}
  try {
    for (const impl of IMPLS) {
      const lab = await upLiveLab(scenario, { name: `bench-warm-${impl}`, image, impl, submissions: {} })
      const row: number[] = (samples[`warm rerun, ${impl} programs`] = [])
      try {
        await runWarm(lab, scenario, { again: true }) // one warm-up run, not counted
        for (let i = 0; i < runs; i++) {
          const started = performance.now()
          const result = await runWarm(lab, scenario, { again: true })
          row.push(performance.now() - started)
          if (result.status !== 'passed')
            throw new Error(
              `warm run ${i + 1} of ${SCENARIO} (${impl}) ${result.status}: ${result.checks
                .filter((c) => !c.passed)
                .map((c) => `${c.description}: ${c.reason}`)
                .join('; ')}`,
            )
          console.error(`warm-rerun ${impl} ${i + 1}/${runs}: ${formatMs(row.at(-1)!)}`)
        }
      } finally {
        const left = await downLiveLab(lab)
        if (left.length) console.error(`bench: the warm lab left ${left.join('; ')}`)
      }
    }
  } finally {
    await rm(state, { recursive: true, force: true })
  }
  const verdicts = Object.entries(samples).map(([name, values]) => {
    const ms = median(values)
    return `- ${name}: median **${formatMs(ms)}** (${ms <= TARGET_MS ? 'within' : 'over'} the target of ${formatMs(TARGET_MS)})`
  })
  return [
    `${SCENARIO} run ${runs} times in one live lab for each set of programs (\`lab up\`, then the warm run \`--watch\` and`,
    `\`lab run --in\` use), in the bench's own process, after one warm-up run; every run passed. The lab runs its`,
    'TypeScript programs unless told otherwise; the Mininet baseline runs the Python ones.',
    '',
    summarize(samples),
    '',
    ...verdicts,
  ].join('\n')
}
