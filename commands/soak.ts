// `lab soak [--runs N] [scenario...]` (`npm run soak`): runs scenarios again and again, several at a time, then
// reports the pass rate and wall times per scenario and anything its runs left in Docker, and writes that into
// docs/RELIABILITY.md. The arithmetic and the text are in engine/tasks/soak.ts.
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadCatalog } from '../engine/plan/catalog.ts'
import * as docker from '../engine/runtime/docker.ts'
import { VERDICTS } from '../engine/model/describe.ts'
import { EXIT, positiveInteger } from '../engine/model/errors.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { runPool } from '../engine/tasks/pool.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { soakMarkdown, soakRows, soakScenarios, withSoakSection, type SoakRun } from '../engine/tasks/soak.ts'
import { PARALLEL, parseParallel, say } from './shared.ts'
import type { Command, Values } from './table.ts'

const RELIABILITY_DOC = path.join(ROOT, 'docs/RELIABILITY.md')

const command: Command = {
  name: 'soak',
  synopsis: 'soak [--runs N] [--no-write] [<scenario>...]',
  summary: 'run scenarios again and again (default: the whole catalog); write pass rates and times to docs/RELIABILITY.md',
  positionals: true,
  options: {
    runs: { type: 'string', value: 'N', help: 'runs of each scenario (default: 50)' },
    parallel: PARALLEL,
    'no-write': { type: 'boolean', help: 'print the result without updating docs/RELIABILITY.md' },
  },
  run: soak,
}

export default command

async function soak(values: Values, positionals: string[]): Promise<number> {
  const runs = positiveInteger('runs', (values.runs as string | undefined) ?? '50')
  const parallel = parseParallel(values.parallel as string | undefined)
  const scenarios = soakScenarios(await loadCatalog(), positionals)
  const image = await ensureLabImage(say, {}, docker.preflight())

  // Round-robin, so every scenario runs next to every other and none waits for the end.
  const jobs = Array.from({ length: runs }, () => scenarios).flat()
  const runIds = new Set<string>()
  let done = 0
  const started = performance.now()
  const results = await runPool(jobs, parallel, async (scenario): Promise<SoakRun> => {
    let run: SoakRun
    try {
      const result = await runScenario(scenario, { image })
      runIds.add(result.project.slice(`socketlab-${scenario.id}-`.length))
      const failed = result.checks.filter((c) => !c.passed).map((c) => `${c.description}: ${c.reason}`)
      const skipped = result.status === 'skipped'
      run = { scenario: scenario.id, passed: result.status === 'passed', skipped, wallMs: result.wallMs, failure: result.status === 'failed' ? `${scenario.id} (${result.project}): ${failed.join('; ')}` : undefined }
    } catch (error) {
      run = { scenario: scenario.id, passed: false, wallMs: NaN, failure: `${scenario.id}: ${(error as Error).message}` }
    }
    console.log(`  ${String(++done).padStart(String(jobs.length).length)}/${jobs.length} ${scenario.id} ${VERDICTS[run.passed ? 'passed' : run.skipped ? 'skipped' : 'failed'].word} in ${(run.wallMs / 1000).toFixed(1)} s`)
    return run
  })
  const totalMs = performance.now() - started

  const leftBehind = (await docker.findLeftovers()).filter((l) => runIds.has(l.runId)).map((l) => `${l.kind} ${l.name}`)
  const section = soakMarkdown({
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    command: `npm run soak -- --runs ${runs} ${positionals.join(' ')}`.trim(),
    machine: `${os.availableParallelism()} cores, Docker ${await docker.engineVersion()}, Node ${process.versions.node}`,
    parallel,
    totalMs,
    rows: soakRows(results),
    leftBehind,
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
  })
  console.log(`\n${section}`)
  if (!values['no-write']) {
    const document = await readFile(RELIABILITY_DOC, 'utf8').catch(() => '# Reliability\n')
    await writeFile(RELIABILITY_DOC, withSoakSection(document, section))
    console.log(`\n» wrote the result into ${path.relative(ROOT, RELIABILITY_DOC)}`)
  }
  return results.some((r) => r.failure) || leftBehind.length ? EXIT.failed : EXIT.passed
}

