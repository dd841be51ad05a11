// `npm run bench -- --only topology`: a lab of 5 hosts on 3 networks joined by 2 routers (8 containers: an idle
// router is its sidecar alone) against tcp-basic (2 hosts, 4 containers), alternated, each through the engine's own
// runScenario: up, run, down.
// Target: at most 2× tcp-basic. Neither captures: a capture adds tcpdump's start to every host's readiness and
// a pcap to read and decode afterwards, which tcp-basic does not pay either.
// Beside them, Docker's own share: `docker compose up -d` and `down` of the same two compose files with every
// container idle (`sleep infinity`, no sidecar setup, no program), which no engine can go below.
import { writeFile } from 'node:fs/promises'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { composeText, labCompose } from '../engine/plan/compose.ts'
import { COMPOSE_FILE, ROOT } from '../engine/plan/layout.ts'
import { planRun } from '../engine/plan/run-plan.ts'
import { compose, sh } from '../engine/runtime/daemon.ts'
import { own } from '../engine/runtime/lab.ts'
import type { Scenario } from '../engine/model/scenario.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { formatMs } from '../engine/judge/checks.ts'
import { median, summarize, type Samples } from './figures.ts'

export const TOPOLOGY_TARGET = 2

/** client ─ near ─ r1 ─ middle (neighbor) ─ r2 ─ far ─ server: the TCP greeting across both routers, twice. */
export const FIVE_HOSTS: Scenario = {
  id: 'bench-topology',
  title: '5 hosts, 3 networks, 2 routers',
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 20_000,
  networks: { near: {}, middle: {}, far: {} },
  hosts: {
    server: {
      program: 'tcp-server',
      listens: 12345,
      networks: ['far'],
      routes: [
        { to: 'near', via: 'r2' },
        { to: 'middle', via: 'r2' },
      ],
    },
    r2: {
      program: 'idle',
      networks: { middle: { address: 253 }, far: { address: 254 } },
      router: {},
      routes: [{ to: 'near', via: 'r1' }],
    },
    r1: {
      program: 'idle',
      networks: { near: { address: 254 }, middle: { address: 254 } },
      router: {},
      routes: [{ to: 'far', via: 'r2' }],
    },
    neighbor: { program: 'tcp-client', networks: ['middle'], routes: [{ to: 'far', via: 'r2' }] },
    client: {
      program: 'tcp-client',
      networks: ['near'],
      routes: [
        { to: 'middle', via: 'r1' },
        { to: 'far', via: 'r1' },
      ],
    },
  },
  expect: {
    server: { exit: 'running' },
    r1: { exit: 'running' },
    r2: { exit: 'running' },
    neighbor: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
    client: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
  },
}

/** `compose up -d` then `down` of a scenario's own compose file with every container idle: Docker's share of a run. */
async function idleCompose(scenario: Scenario, image: string): Promise<number> {
  const plan = await planRun(scenario, { image })
  const { down, release } = await own(plan)
  try {
    const file = labCompose(scenario, plan)
    for (const service of Object.values(file.services)) {
      service.entrypoint = ['sleep', 'infinity']
      delete service.command
      delete service.build
    }
    await writeFile(plan.composeFile, composeText(file))
    const project = ['-p', plan.project, '-f', plan.composeFile, '--project-directory', ROOT]
    const started = performance.now()
    await sh`${await compose()} ${project} up -d --no-build --pull never`
    await sh`${await compose()} ${project} down --volumes --timeout 1`
    return performance.now() - started
  } finally {
    const left = await down()
    release()
    if (left.length) throw new Error(left.join('; '))
  }
}

export async function topologySection(runs: number): Promise<string> {
  const image = await ensureLabImage(() => {})
  const [tcpBasic] = selectScenarios(await loadCatalog(), ['tcp-basic'])
  const labs = { 'tcp-basic (2 hosts, 1 network)': tcpBasic, '5 hosts, 3 networks, 2 routers': FIVE_HOSTS }
  const samples: Samples = Object.fromEntries(Object.keys(labs).map((name) => [name, []]))
  const idleName = (name: string) => `${name}, idle, docker compose up + down`
  const idle: Samples = Object.fromEntries(Object.keys(labs).map((name) => [idleName(name), []]))
  // One warm-up of each, not counted.
  for (const scenario of Object.values(labs)) {
    await runScenario(scenario, { image })
    await idleCompose(scenario, image)
  }
  for (let i = 0; i < runs; i++) {
    for (const [name, scenario] of Object.entries(labs)) {
      const started = performance.now()
      const result = await runScenario(scenario, { image })
      if (result.status !== 'passed')
        throw new Error(
          `${name} failed: ${result.checks
            .filter((c) => !c.passed)
            .map((c) => `${c.description}: ${c.reason}`)
            .join('; ')}`,
        )
      samples[name].push(performance.now() - started)
    }
    for (const [name, scenario] of Object.entries(labs)) idle[idleName(name)].push(await idleCompose(scenario, image))
    console.error(
      `topology ${i + 1}/${runs}: ${Object.entries({ ...samples, ...idle })
        .map(([k, v]) => `${k} ${formatMs(v.at(-1)!)}`)
        .join(', ')}`,
    )
  }
  const [base, five] = Object.values(samples).map(median)
  const [idleBase, idleFive] = Object.values(idle).map(median)
  return [
    `Alternated, ${runs} runs each after one warm-up run each, through runScenario (up, run, down), no capture; then,`,
    'in the same rounds, Docker alone: `docker compose up -d` and `down` of the same compose files, every container',
    'idle (`sleep infinity`).',
    '',
    summarize({ ...samples, ...idle }),
    '',
    `- **5 hosts / tcp-basic: ${(five / base).toFixed(2)}×** (target ≤ ${TOPOLOGY_TARGET}×)`,
    `- Docker alone, the same containers idle: **${(idleFive / idleBase).toFixed(2)}×**`,
  ].join('\n')
}
