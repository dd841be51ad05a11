// `lab <scenario>...`: runs scenarios (`all` for the catalog), a few labs at a time, and reports each as one
// block in the order asked for. What only some runs need (a reporter, the HTML page) is loaded by them.
import { instantiateScenarios } from '../engine/plan/catalog.ts'
import * as docker from '../engine/runtime/docker.ts'
import { EXIT, errors } from '../engine/model/errors.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import { lookForLabImage } from '../engine/runtime/image.ts'
import { inOrder } from '../engine/tasks/pool.ts'
import { runMany } from '../engine/tasks/run-many.ts'
import { submissionsFromOptions } from '../engine/plan/submission.ts'
import { inShard, parseShard } from '../engine/plan/shard.ts'
import { userPath } from '../engine/plan/layout.ts'
import { REPORTERS, createReporters } from '../reporters/index.ts'
import { loadExercise, withGrading } from '../engine/plan/exercise.ts'
import {
  DUE,
  EXERCISE,
  IMPL,
  LANG,
  PARALLEL,
  PARAM,
  SCENARIOS,
  SEED,
  VIEW,
  hostOptions,
  parseImpl,
  parseLang,
  parseParallel,
  parseSeed,
  parseView,
} from './shared.ts'
import { randomSeed } from '../engine/plan/seeds.ts'
import { PAGE_OPTIONS } from './ui.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: '',
  synopsis: '<scenario|file> [<scenario|file>...]',
  summary: 'run scenarios in real containers and assert their outcome (`all` runs the whole catalog)',
  positionals: true,
  options: {
    impl: IMPL,
    param: PARAM,
    seed: SEED,
    ...hostOptions('FILE'),
    lang: LANG,
    parallel: {
      ...PARALLEL,
      help: 'scenarios at once (default: the number of cores); each prints as one block, in order',
    },
    capture: {
      type: 'string',
      value: 'DIR',
      help: 'capture every host and keep DIR/<scenario>-<host>.pcap (for Wireshark)',
    },
    report: {
      type: 'string',
      value: 'FILE',
      help: 'write a self-contained HTML report with a packet sequence diagram per scenario',
    },
    reporter: {
      type: 'string',
      multiple: true,
      value: 'NAME',
      help: `also report as ${REPORTERS.filter((name) => name !== 'terminal').join(', ')}; repeatable`,
    },
    output: {
      type: 'string',
      short: 'o',
      value: 'FILE',
      help: 'where the json, junit, gradescope, prairielearn or events document goes (default: standard output)',
    },
    exercise: EXERCISE,
    view: VIEW,
    due: DUE,
    in: { type: 'string', value: 'LAB', help: 'run warm in a live lab (`lab up`), with its programs' },
    watch: {
      type: 'boolean',
      help: 'keep a lab up and run again on every save of the programs or the scenario file; Ctrl-C ends',
    },
    ui: {
      type: 'boolean',
      help: 'run it in a browser page instead (as `lab ui`; with --watch, also again on every save)',
    },
    ...PAGE_OPTIONS,
    'no-stop-early': {
      type: 'boolean',
      help: 'wait for every deadline, even once every program waits for what nothing will send',
    },
    scenarios: SCENARIOS,
    shard: {
      type: 'string',
      value: 'i/n',
      help: 'run only the i-th of n stable parts of the chosen scenarios (CI matrices)',
    },
  },
  async run(values, given) {
    const exercise = values.exercise === undefined ? undefined : await loadExercise(userPath(values.exercise))
    const names = given.length === 0 && exercise ? [exercise.scenario] : given
    const view = parseView(values.view, values.due)
    if (!names.length) throw errors.usage('name a scenario to run, or a command: list, build, clean, grade, soak')
    const impl = parseImpl(values.impl)
    const seedGiven = parseSeed(values.seed)
    // Docker is checked while the scenarios load; its verdict counts only after theirs (usage errors come first).
    const dockerReady = docker.preflight()
    dockerReady.catch(() => undefined)
    lookForLabImage()
    const dir = values.scenarios === undefined ? undefined : userPath(values.scenarios)
    const instantiated = (await instantiateScenarios(names, values.param, dir)).scenarios
    const chosen = instantiated.map((s) => (s.id === exercise?.scenario ? withGrading(s, exercise.grading) : s))
    const scenarios = values.shard === undefined ? chosen : inShard(chosen, parseShard(values.shard))
    const submissions = await submissionsFromOptions(values)
    const lang = parseLang(values.lang)
    const parallel = parseParallel(values.parallel)
    const html = values.report === undefined ? undefined : userPath(values.report)
    const report = await createReporters({
      names: values.reporter,
      output: values.output,
      html,
      env: process.env,
      stdout: process.stdout,
      stderr: process.stderr,
      lang,
      view,
    })
    if (values.ui) {
      if (values.in !== undefined) throw errors.usage('--ui brings a lab of its own up: for a live lab, `lab up --ui`')
      if (scenarios.length !== 1) throw errors.usage('--ui takes one scenario')
      const { servePage } = await import('./ui.ts')
      return servePage({
        scenario: scenarios[0],
        impl,
        submissions,
        seed: seedGiven,
        port: values.port,
        bind: values.bind,
        watch: values.watch,
        dockerReady,
      })
    }
    if (values.port !== undefined || values.bind !== undefined)
      throw errors.usage("--port and --bind are the page's: give --ui too")
    if ((values.in !== undefined || values.watch) && values['no-stop-early'])
      throw errors.usage('--no-stop-early takes a cold run, not --in or --watch')
    if (values.in !== undefined || values.watch) {
      // Loaded only here: a cold run, the usual one, does not wait for the live-lab modules to load.
      const warm = await import('./warm.ts')
      if (values.in !== undefined)
        return warm.runIn(values.in, scenarios, submissions, report, seedGiven ?? randomSeed())
      if (scenarios.length !== 1) throw errors.usage('--watch takes one scenario')
      return warm.runWatching(scenarios[0], { impl, submissions, report, dockerReady, seed: seedGiven })
    }
    const captureDir = values.capture === undefined ? undefined : userPath(values.capture)
    // Each scenario is reported as one block, in the order they were asked for, though several run at once.
    const ended = inOrder<ScenarioResult>((result) => report.onScenarioEnd(result))
    const results = await runMany(
      scenarios,
      {
        impl,
        submissions,
        parallel,
        // One seed for every scenario of the command: one number to rerun it all.
        seed: seedGiven ?? randomSeed(),
        captureDir,
        captureAll: html !== undefined,
        dockerReady,
        onRunEvent: report.onEvent,
        stopEarly: !values['no-stop-early'],
      },
      (event) => {
        if (event.kind === 'note') report.onNote(event.text)
        else if (event.kind === 'run-started') report.onScenarioStart(event.scenario)
        else if (event.kind === 'run-ended') ended(event.result, event.index)
      },
    )
    await report.onRunEnd(results)
    if (captureDir)
      report.onNote(`captures (one pcap per host, open them in Wireshark): ${captureDir}/<scenario>-<host>.pcap`)
    return results.some((r) => r.status === 'failed') ? EXIT.failed : EXIT.passed
  },
})

export default command
