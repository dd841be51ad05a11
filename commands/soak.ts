// `lab soak [--runs N] [scenario...]` (`npm run soak`): runs scenarios again and again (engine/tasks/soak.ts),
// prints the pass rate and wall times per scenario and anything its runs left in Docker, and writes that into
// docs/RELIABILITY.md.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { loadCatalog } from '../engine/plan/catalog.ts'
import { VERDICTS } from '../engine/model/describe.ts'
import { EXIT, positiveInteger } from '../engine/model/errors.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { soak, soakMarkdown, soakScenarios, withSoakSection } from '../engine/tasks/soak.ts'
import { PARALLEL, parseParallel, say } from './shared.ts'
import { defineCommand } from './table.ts'

const RELIABILITY_DOC = path.join(ROOT, 'docs/RELIABILITY.md')

const command = defineCommand({
  name: 'soak',
  synopsis: 'soak [--runs N] [--no-write] [<scenario>...]',
  summary:
    'run scenarios again and again (default: the whole catalog); write pass rates and times to docs/RELIABILITY.md',
  positionals: true,
  options: {
    runs: { type: 'string', value: 'N', help: 'runs of each scenario (default: 50)' },
    parallel: PARALLEL,
    'no-write': { type: 'boolean', help: 'print the result without updating docs/RELIABILITY.md' },
  },
  async run(values, positionals) {
    const runs = positiveInteger('runs', values.runs ?? '50')
    const parallel = parseParallel(values.parallel)
    const scenarios = soakScenarios(await loadCatalog(), positionals)
    const report = await soak(
      scenarios,
      { runs, parallel, command: `npm run soak -- --runs ${runs} ${positionals.join(' ')}`.trim() },
      (event) => {
        if (event.kind === 'note') say(event.text)
        else if (event.kind === 'soak-run') {
          console.log(
            `  ${String(event.done).padStart(String(event.total).length)}/${event.total} ${event.scenario} ${VERDICTS[event.verdict].word} in ${(event.wallMs / 1000).toFixed(1)} s`,
          )
        }
      },
    )
    const section = soakMarkdown(report)
    console.log(`\n${section}`)
    if (!values['no-write']) {
      const document = await readFile(RELIABILITY_DOC, 'utf8').catch(() => '# Reliability\n')
      await writeFile(RELIABILITY_DOC, withSoakSection(document, section))
      console.log(`\n» wrote the result into ${path.relative(ROOT, RELIABILITY_DOC)}`)
    }
    return report.failures.length || report.leftBehind.length ? EXIT.failed : EXIT.passed
  },
})

export default command
