// `lab ui <scenario>`: the lab in a browser. Starts a local web server (ui/server.ts), brings the scenario's lab up,
// runs it once, and prints the page's address (its token included); the page reruns it warm, changes its faults,
// and shows each run's topology, timeline, checks and hints as they happen. Ctrl-C takes the lab down and the
// server with it.
import { errors } from '../engine/model/errors.ts'
import { instantiateScenarios } from '../engine/plan/catalog.ts'
import { submissionsFromOptions } from '../engine/plan/submission.ts'
import * as docker from '../engine/runtime/docker.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { onInterrupt } from '../engine/runtime/teardown.ts'
import { IMPL, PARAM, SEED, hostOptions, parseImpl, parseSeed, say } from './shared.ts'
import { defineCommand } from './table.ts'

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

const command = defineCommand({
  name: 'ui',
  synopsis: 'ui <scenario> [--server FILE] [--port N]',
  summary:
    'the lab in a browser: topology, a live timeline of packets, lines and faults, the checks; run it again from the page',
  positionals: true,
  options: {
    impl: IMPL,
    param: PARAM,
    seed: SEED,
    ...hostOptions('FILE'),
    port: { type: 'string', value: 'N', help: 'the page on this port of 127.0.0.1 (default: a free one)' },
    bind: {
      type: 'string',
      value: 'ADDR',
      help: 'listen on this address instead of 127.0.0.1 (anyone who has the token can then run labs)',
    },
  },
  async run(values, names) {
    if (names.length !== 1) throw errors.usage('lab ui takes one scenario')
    const impl = parseImpl(values.impl)
    const seed = parseSeed(values.seed)
    const port = parsePort(values.port)
    const address = parseBind(values.bind)
    const dockerReady = docker.preflight()
    dockerReady.catch(() => undefined)
    const {
      scenarios: [scenario],
    } = await instantiateScenarios(names, values.param)
    const submissions = await submissionsFromOptions(values)
    const [{ UiSession }, { startUiServer }] = await Promise.all([
      import('../ui/session.ts'),
      import('../ui/server.ts'),
    ])
    const image = await ensureLabImage(say, {}, dockerReady)
    const session = new UiSession(scenario, { image, impl, submissions, seed })
    // The server first: a port that is taken fails before any lab comes up.
    const server = await startUiServer(session, { address, port })
    const forget = onInterrupt(() => server.close(), 'the page server')
    try {
      await session.up()
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
    say('Ctrl-C to stop (and take the lab down)')
    await session.run()?.catch(() => undefined)
    // Until Ctrl-C: lab.ts's signal handling runs the teardowns registered (the lab, then the server) and exits.
    await new Promise<never>(() => undefined)
    return 0
  },
})

export default command
