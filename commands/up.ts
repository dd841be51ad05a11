// `lab up <scenario>`: brings a scenario's lab up and leaves it up, its programs idle (or started with --start),
// for a person to look inside (`lab shell`, `lab capture`, `lab fault`) and to rerun in warm (`lab run --in`).
import { instantiateScenarios } from '../engine/plan/catalog.ts'
import { errors } from '../engine/model/errors.ts'
import { freeLabName } from '../engine/plan/live-lab.ts'
import { submissionsFromOptions } from '../engine/plan/submission.ts'
import * as docker from '../engine/runtime/docker.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { liveHosts, upLiveLab } from '../engine/runtime/live.ts'
import { startLive } from '../engine/runtime/warm-start.ts'
import { IMPL, PARAM, hostOptions, parseImpl, say } from './shared.ts'
import { defineCommand } from './table.ts'
import { PAGE_OPTIONS, parseBind, parsePort, servePage } from './ui.ts'

const command = defineCommand({
  name: 'up',
  synopsis: 'up <scenario> [--server FILE] [--start]',
  summary: "bring a scenario's lab up and leave it up, to explore and rerun (`lab ps`, `lab down`)",
  positionals: true,
  options: {
    impl: IMPL,
    param: PARAM,
    ...hostOptions('FILE'),
    start: { type: 'boolean', help: 'also start the programs (idle otherwise: start them yourself with `lab exec`)' },
    ui: {
      type: 'boolean',
      help: 'also serve the lab in a browser page (as `lab ui`); Ctrl-C stops the page, the lab stays',
    },
    ...PAGE_OPTIONS,
  },
  async run(values, names) {
    if (names.length !== 1) throw errors.usage('lab up takes one scenario')
    const impl = parseImpl(values.impl)
    const dockerReady = docker.preflight()
    dockerReady.catch(() => undefined)
    const {
      scenarios: [scenario],
    } = await instantiateScenarios(names, values.param)
    const submissions = await submissionsFromOptions(values)
    if (!values.ui && (values.port !== undefined || values.bind !== undefined))
      throw errors.usage("--port and --bind are the page's: give --ui too")
    if (values.ui && values.start) throw errors.usage('--ui runs the programs from its page: leave --start out')
    if (values.ui) {
      parsePort(values.port)
      parseBind(values.bind)
    }
    const image = await ensureLabImage(say, {}, dockerReady)
    const lab = await upLiveLab(scenario, { name: await freeLabName(scenario.id), image, impl, submissions })
    const hosts = await liveHosts(lab, Object.keys(scenario.hosts))
    if (values.start) {
      await startLive(lab, scenario)
    }
    say(
      `lab ${lab.name} is up (${scenario.id}): ${[...hosts.values()].map((h) => `${h.name} ${h.address ?? '(shares a namespace)'}`).join(', ')}`,
    )
    say(
      values.start
        ? 'its programs run; a host is yours to look inside:'
        : 'its programs are idle; a host is yours to look inside:',
    )
    const [first, second = first] = [...hosts.keys()].reverse()
    for (const line of [
      `npm run lab -- shell ${first}                  a shell in ${first} (ss, ip, nc, python3, node, wget)`,
      `npm run lab -- exec ${second} -- ss -tlnp          one command, its exit code passed through`,
      `npm run lab -- capture ${second}                 ${second}'s packets, decoded, as they pass (--write f.pcap)`,
      `npm run lab -- fault ${first} loss 30            at run time: loss N, rate KBIT, partition A B, clear`,
      `npm run lab -- run ${scenario.id} --in ${lab.name}     the scenario's programs and checks, warm`,
      `npm run lab -- down ${lab.name}`,
    ])
      console.log(`    ${line}`)
    if (values.ui)
      return servePage({ scenario, impl, submissions, port: values.port, bind: values.bind, live: lab, dockerReady })
    return 0
  },
})

export default command
