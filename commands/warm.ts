// The scenario runs that use a live lab: `lab run <scenario> --in <lab>` (a warm run in a lab that `lab up`
// brought up) and `lab <scenario> --watch` (a lab of its own, rerun warm on every save, down on Ctrl-C).
import { watch } from 'node:fs'
import path from 'node:path'
import { EXIT, errors } from '../engine/model/errors.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Scenario } from '../engine/model/scenario.ts'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { SCENARIO_SOURCES_DIR } from '../engine/plan/layout.ts'
import { chooseLiveLab, freeLabName, type LiveLab } from '../engine/plan/live-lab.ts'
import * as docker from '../engine/runtime/docker.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { downLiveLab, upLiveLab } from '../engine/runtime/live.ts'
import { onInterrupt } from '../engine/runtime/teardown.ts'
import { runWarm } from '../engine/runtime/warm-start.ts'
import type { RunReporters as Reporters } from '../reporters/index.ts'
import { say } from './shared.ts'

/** A save fires several events (truncate, write, rename): one rerun for them all. */
const SETTLE_MS = 150

/** `--in LAB`: the scenarios run warm in that lab, one after another. */
export async function runIn(
  labName: string,
  scenarios: Scenario[],
  submissions: Record<string, string>,
  report: Reporters,
  seed: number,
): Promise<number> {
  if (Object.keys(submissions).length)
    throw errors.usage('a live lab runs the programs it was brought up with: give --server/--client/--host to `lab up`')
  const lab = await chooseLiveLab(labName)
  await docker.preflight()
  const results: ScenarioResult[] = []
  for (const [i, scenario] of scenarios.entries()) {
    report.onScenarioStart(scenario)
    const result = await runWarm(lab, scenario, { again: i < scenarios.length - 1, onEvent: report.onEvent, seed })
    report.onScenarioEnd(result)
    results.push(result)
  }
  await report.onRunEnd(results)
  return results.some((r) => r.status === 'failed') ? EXIT.failed : EXIT.passed
}

/** `--watch`: a live lab of the scenario's own, rerun whenever a submitted file or the scenario file is saved. */
export async function runWatching(
  scenario: Scenario,
  options: {
    impl: LiveLab['impl']
    submissions: Record<string, string>
    report: Reporters
    dockerReady: Promise<void>
    /** --seed: every rerun draws from it; without it, each rerun draws a seed of its own (and reports it). */
    seed?: number
  },
): Promise<number> {
  const image = await ensureLabImage(options.report.onNote, {}, options.dockerReady)
  const lab = await upLiveLab(scenario, {
    name: await freeLabName(scenario.id),
    image,
    impl: options.impl,
    submissions: options.submissions,
  })
  // Ctrl-C (lab.ts's signal handling) runs the registered teardowns: this lab goes with the watch.
  onInterrupt(() => downLiveLab(lab), `lab ${lab.name}`)
  const scenarioFile = path.join(SCENARIO_SOURCES_DIR, `${scenario.id}.ts`)
  const files = [...Object.values(options.submissions), scenarioFile]
  let current = scenario
  for (;;) {
    options.report.onScenarioStart(current)
    options.report.onScenarioEnd(
      await runWarm(lab, current, { again: true, onEvent: options.report.onEvent, seed: options.seed }),
    )
    say(
      `watching ${files.map((f) => (f.startsWith(`${process.cwd()}/`) ? path.relative(process.cwd(), f) : f)).join(', ')}: save to run again, Ctrl-C to stop (and take the lab down)`,
    )
    const changed = await nextSave(files)
    if (changed === scenarioFile) {
      current = await reload(scenario).catch((error: Error) => {
        say(`${scenario.id}.ts does not load (${error.message.split('\n')[0]}): running it as it was`)
        return current
      })
    }
  }
}

async function reload(scenario: Scenario): Promise<Scenario> {
  return selectScenarios(await loadCatalog(SCENARIO_SOURCES_DIR, scenario.params ?? {}, [scenario.id], true), [
    scenario.id,
  ])[0]
}

/** Resolves with the file that was saved, once its saves settled. Watches each file's folder: an editor that
 * saves by renaming a new file over the old one would end a watch on the file itself. */
export function nextSave(files: string[]): Promise<string> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined
    const watchers = [...new Set(files.map((f) => path.dirname(f)))].map((dir) =>
      watch(dir, (_event, name) => {
        const file = files.find((f) => path.dirname(f) === dir && path.basename(f) === name?.toString())
        if (!file) return
        clearTimeout(timer)
        timer = setTimeout(() => {
          for (const watcher of watchers) watcher.close()
          resolve(file)
        }, SETTLE_MS)
      }),
    )
  })
}
