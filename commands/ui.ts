// `lab ui <scenario>`: the lab in a browser. Starts a local web server (ui/server.ts), brings the scenario's lab up,
// runs it once, and prints the page's address (its token included); the page reruns it warm, changes its faults,
// and shows each run's topology, timeline, checks and hints as they happen. Ctrl-C takes the lab down and the
// server with it.
import { errors } from '../engine/model/errors.ts'
import type { Impl, Scenario } from '../engine/model/scenario.ts'
import type { LiveLab } from '../engine/plan/live-lab.ts'
import { instantiateScenarios } from '../engine/plan/catalog.ts'
import { submissionsFromOptions } from '../engine/plan/submission.ts'
import * as docker from '../engine/runtime/docker.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { onInterrupt } from '../engine/runtime/teardown.ts'
import { IMPL, PARAM, SEED, hostOptions, parseImpl, parseSeed, say } from './shared.ts'
import { defineCommand, type OptionSpec } from './table.ts'

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** --port: a TCP port, or 0 for a free one. */
export function parsePort(option: string | undefined): number {
  if (option === undefined) return 0
  if (!/^\d{1,5}$/.test(option) || Number(option) > 65535)
    throw errors.usage(`--port must be a TCP port (0-65535; 0: a free one), not "${option}"`)
  return Number(option)
}

/** --bind: an IP address of this machine to listen on (127.0.0.1 unless given). */
export function parseBind(option: string | undefined): string {
  if (option === undefined) return '127.0.0.1'
  if (option === 'localhost') return '127.0.0.1'
  if (!/^[0-9.]+$|^[0-9a-fA-F:]+$/.test(option) || !option.length)
    throw errors.usage(`--bind must be an IP address of this machine (127.0.0.1 unless given), not "${option}"`)
  return option
}

/** The page's own options, which `lab ui`, `lab up --ui` and `lab <scenario> --ui` take. */
export const PAGE_OPTIONS = {
  port: { type: 'string', value: 'N', help: 'the page on this port of 127.0.0.1 (default: a free one)' },
  bind: {
    type: 'string',
    value: 'ADDR',
    help: 'listen on this address instead of 127.0.0.1 (anyone who has the token can then run labs)',
  },
} satisfies Record<string, OptionSpec>

export interface PageChoice {
  scenario: Scenario
  impl: Impl
  submissions: Record<string, string>
  seed?: number
  port?: string
  bind?: string
  /** Run again on every save of the submitted files (as `--watch`). */
  watch?: boolean
  /** A live lab `lab up` brought up: the page runs in it and leaves it up. */
  live?: LiveLab
  dockerReady: Promise<void>
}

/** Serves the page of a scenario's lab until Ctrl-C (lab.ts's signal handling runs the teardowns and exits). */
export async function servePage(choice: PageChoice): Promise<number> {
  const port = parsePort(choice.port)
  const address = parseBind(choice.bind)
  const { scenario, impl, submissions, seed } = choice
  const [{ UiSession }, { startUiServer }] = await Promise.all([import('../ui/session.ts'), import('../ui/server.ts')])
  const image = choice.live?.image ?? (await ensureLabImage(say, {}, choice.dockerReady))
  const session = new UiSession(scenario, { image, impl, submissions, seed })
  // The server first: a port that is taken fails before any lab comes up.
  const server = await startUiServer(session, { address, port })
  const forget = onInterrupt(() => server.close(), 'the page server')
  try {
    await session.up(choice.live)
  } catch (error) {
    forget()
    await server.close()
    throw error
  }
  if (!LOOPBACK.has(address))
    say(`the page listens on ${address}: anyone who can reach it and has the token can run labs on this machine`)
  say(
    `${scenario.id} ${session.labName ? `in lab ${session.labName}` : `runs cold each time (${session.picture().cold})`}: open ${server.url}`,
  )
  say(choice.live ? 'Ctrl-C to stop the page (the lab stays up: `lab down`)' : 'Ctrl-C to stop (and take the lab down)')
  await session.run()?.catch(() => undefined)
  if (choice.watch) {
    const files = Object.values(submissions)
    if (!files.length) say('--watch: no program of yours to watch (--server FILE …): rerun from the page')
    else {
      const { nextSave } = await import('./warm.ts')
      for (;;) {
        say(`watching ${files.join(', ')}: save to run again`)
        await nextSave(files)
        // A save during a run is taken once that run is over.
        while (session.running) await new Promise((resolve) => setTimeout(resolve, 100))
        await session.run()?.catch(() => undefined)
      }
    }
  }
  await new Promise<never>(() => undefined)
  return 0
}

const command = defineCommand({
  name: 'ui',
  synopsis: 'ui <scenario> [--server FILE] [--port N] [--watch]',
  summary:
    'the lab in a browser: topology, a live timeline of packets, lines and faults, the checks; run it again from the page',
  positionals: true,
  options: {
    impl: IMPL,
    param: PARAM,
    seed: SEED,
    ...hostOptions('FILE'),
    ...PAGE_OPTIONS,
    watch: { type: 'boolean', help: 'also run again on every save of your programs' },
  },
  async run(values, names) {
    if (names.length !== 1) throw errors.usage('lab ui takes one scenario')
    const impl = parseImpl(values.impl)
    const seed = parseSeed(values.seed)
    parsePort(values.port)
    parseBind(values.bind)
    const dockerReady = docker.preflight()
    dockerReady.catch(() => undefined)
    const {
      scenarios: [scenario],
    } = await instantiateScenarios(names, values.param)
    const submissions = await submissionsFromOptions(values)
    return servePage({
      scenario,
      impl,
      submissions,
      seed,
      port: values.port,
      bind: values.bind,
      watch: values.watch,
      dockerReady,
    })
  },
})

export default command
