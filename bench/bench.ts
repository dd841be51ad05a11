#!/usr/bin/env node
// `npm run bench`: how long a warm lab takes against the same containers run by hand, how 30 labs at once
// behave (a classroom), and how long a cold start takes. Writes docs/BENCHMARKS.md, section by section, so one
// part can be re-run alone. Figures only: no test asserts a time.
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { ROOT } from '../engine/plan/layout.ts'
import { formatMs } from '../engine/judge/checks.ts'
import { classSection } from './class.ts'
import { wrongPortSection } from './wrong-port.ts'
import { machineTable, median, replaceBenchSection, summarize, type Samples } from './figures.ts'
import { topologySection } from './topology.ts'

const BENCH_FILE = path.join(ROOT, 'docs', 'BENCHMARKS.md')
const SCENARIO = 'tcp-basic'
const SECTIONS = [
  'warm',
  'load',
  'cold',
  'catalog',
  'class',
  'wrong-port',
  'topology',
  'warm-rerun',
  'mininet',
  'ui',
] as const
type Section = (typeof SECTIONS)[number]
/** How often the classroom load samples the memory of the labs' containers. */
const MEMORY_SAMPLE_MS = 500

const run = promisify(execFile)

/** A command's wall time and exit code; its output is kept for the runs that report a project name. */
async function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ ms: number; code: number; stdout: string; stderr: string }> {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.on('close', (code) => resolve({ ms: performance.now() - started, code: code ?? -1, stdout, stderr }))
  })
}

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 16 << 20 })).stdout.trim()
}

/** Compose projects running that this benchmark did not start: other work sharing the two cores. */
async function otherProjects(ours: (project: string) => boolean): Promise<string[]> {
  const projects = (await docker('ps', '--format', '{{.Label "com.docker.compose.project"}}'))
    .split('\n')
    .filter(Boolean)
  return [...new Set(projects.filter((p) => !ours(p)))]
}

async function machine(): Promise<Record<string, string>> {
  const [server, compose] = await Promise.all([
    docker('version', '--format', '{{.Server.Version}}'),
    docker('compose', 'version', '--short'),
  ])
  return {
    cores: String(os.cpus().length),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    kernel: os.release(),
    docker: server,
    compose,
    node: process.version,
  }
}

const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')

// ---- warm: the lab against the same containers by hand ----

/** The sources through tsx's loader, as `npm run lab` ran them until it ran them compiled (bin/compile.mjs). */
const LAB = ['--import', 'tsx', 'lab.ts']

const LAB_WAYS = {
  'npm run lab': ['npm', ['run', '--silent', 'lab', '--', SCENARIO]],
  // the same without npm's own start-up: what the lab script runs (the sources compiled once per change)
  'node bin/socket-lab.mjs': [process.execPath, ['bin/socket-lab.mjs', SCENARIO]],
  // the sources through tsx, to show what compiling them saves
  'node --import tsx lab.ts': [process.execPath, [...LAB, SCENARIO]],
} as const satisfies Record<string, readonly [string, readonly string[]]>

async function rawCompose(): Promise<number> {
  const project = `socketlab-bench-raw-${randomBytes(4).toString('hex')}`
  const file = ['-p', project, '-f', 'docker-compose.yml']
  const up = await timed('docker', [
    'compose',
    ...file,
    'up',
    '--abort-on-container-exit',
    '--exit-code-from',
    'client',
  ])
  // --volumes: the lab-sync volume too (the lab removes it as well)
  const down = await timed('docker', ['compose', ...file, 'down', '--volumes'])
  if (up.code !== 0) throw new Error(`raw compose run failed (exit ${up.code}): ${up.stderr.trim().split('\n').at(-1)}`)
  return up.ms + down.ms
}

/** Runs one way of starting the lab; its wall time, and the CPU time of the lab's own process. */
async function labWay(
  command: string,
  args: readonly string[],
): Promise<{ result: Awaited<ReturnType<typeof timed>>; cpuMs?: number }> {
  const file = path.join(os.tmpdir(), `socket-lab-bench-cpu-${process.pid}`)
  await rm(file, { force: true })
  const options =
    `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(path.join(ROOT, 'bench/cpu-report.mjs')).href}`.trim()
  const result = await timed(command, [...args], { NODE_OPTIONS: options, SOCKET_LAB_CPU_FILE: file })
  const cpuMs = Number((await readFile(file, 'utf8').catch(() => '')).trim().split('\n').at(-1)) || undefined
  await rm(file, { force: true })
  return { result, cpuMs }
}

async function warm(runs: number): Promise<string> {
  const samples: Samples = {
    'raw compose up + down': [],
    ...Object.fromEntries(Object.keys(LAB_WAYS).map((k) => [k, []])),
  }
  const cpu: Samples = Object.fromEntries(Object.keys(LAB_WAYS).map((k) => [k, []]))
  const others = new Set<string>()
  const loads = [load()]
  // One warm-up of each, not counted: the image exists, caches are filled.
  await rawCompose()
  for (const [command, args] of Object.values(LAB_WAYS)) await timed(command, [...args])
  for (let i = 0; i < runs; i++) {
    samples['raw compose up + down'].push(await rawCompose())
    for (const [name, [command, args]] of Object.entries(LAB_WAYS)) {
      const { result, cpuMs } = await labWay(command, args)
      if (result.code !== 0)
        throw new Error(`${name} ${SCENARIO} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`)
      samples[name].push(result.ms)
      if (cpuMs !== undefined) cpu[name].push(cpuMs)
    }
    for (const project of await otherProjects((p) => p.startsWith('socketlab-bench-raw-'))) others.add(project)
    loads.push(load())
    console.error(
      `warm ${i + 1}/${runs}: ${Object.entries(samples)
        .map(([k, v]) => `${k} ${formatMs(v.at(-1)!)}`)
        .join(', ')}`,
    )
  }
  const raw = median(samples['raw compose up + down'])
  const ratios = Object.keys(LAB_WAYS).map(
    (name) => `- **${name}** / raw compose: **${(median(samples[name]) / raw).toFixed(2)}×** (target ≤ 1.25×)`,
  )
  const cpuSeconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  const cpuLines = Object.entries(cpu)
    .filter(([, values]) => values.length)
    .map(
      ([name, values]) =>
        `| ${name} | **${cpuSeconds(median(values))}** | ${cpuSeconds(Math.min(...values))} | ${cpuSeconds(Math.max(...values))} | ${values.map(cpuSeconds).join(', ')} |`,
    )
  return [
    `Alternated in one run, ${runs} runs each after one warm-up run each, ${SCENARIO}, lab image present.`,
    '',
    summarize(samples),
    '',
    ...ratios,
    '',
    "CPU time of the lab's own process (user + system, `process.cpuUsage()` at its exit; not the compose and docker",
    "commands it starts, nor npm's process). Target ≤ 0.6 s.",
    '',
    '| variant | median | min | max | runs |',
    '|---|---|---|---|---|',
    ...cpuLines,
    '',
    `Load average (1/5/15 min) before and after each round: ${loads.join('; ')}.`,
    `Other compose projects seen running meanwhile: ${others.size ? [...others].join(', ') : 'none'}.`,
  ].join('\n')
}

// ---- load: a classroom of labs at once ----

interface MemoryPeak {
  current: number
  max: number
}

/** Memory of one container from its cgroup (v1 or v2): in use without page cache (as `docker stats`), and the peak. */
async function containerMemory(id: string): Promise<MemoryPeak | undefined> {
  const read = (file: string) =>
    readFile(file, 'utf8').then(
      (t) => t,
      () => undefined,
    )
  for (const dir of [
    `/sys/fs/cgroup/memory/docker/${id}`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope`,
    `/sys/fs/cgroup/docker/${id}`,
  ]) {
    const [usage, peak, stat] = await Promise.all([
      read(`${dir}/memory.usage_in_bytes`).then((v) => v ?? read(`${dir}/memory.current`)),
      read(`${dir}/memory.max_usage_in_bytes`).then((v) => v ?? read(`${dir}/memory.peak`)),
      read(`${dir}/memory.stat`),
    ])
    if (usage === undefined) continue
    const inactive = Number(stat?.match(/^(?:total_inactive_file|inactive_file) (\d+)$/m)?.[1] ?? 0)
    return { current: Number(usage) - inactive, max: Number(peak ?? usage) }
  }
  return undefined
}

async function classroom(labs: number): Promise<string> {
  const byProject = new Map<string, { current: number; max: Map<string, number> }>()
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      const lines = (
        await docker(
          'ps',
          '--no-trunc',
          '--filter',
          'label=socket-lab.run',
          '--format',
          '{{.ID}} {{.Label "com.docker.compose.project"}}',
        ).catch(() => '')
      )
        .split('\n')
        .filter(Boolean)
      const perProject = new Map<string, number>()
      await Promise.all(
        lines.map(async (line) => {
          const [id, project] = line.split(' ')
          const memory = await containerMemory(id)
          if (!memory) return
          perProject.set(project, (perProject.get(project) ?? 0) + memory.current)
          const entry = byProject.get(project) ?? { current: 0, max: new Map() }
          entry.max.set(id, Math.max(entry.max.get(id) ?? 0, memory.max))
          byProject.set(project, entry)
        }),
      )
      for (const [project, current] of perProject) {
        const entry = byProject.get(project)!
        entry.current = Math.max(entry.current, current)
      }
      await new Promise((resolve) => setTimeout(resolve, MEMORY_SAMPLE_MS))
    }
  })()
  const loads = [load()]
  const started = performance.now()
  const results = await Promise.all(
    Array.from({ length: labs }, () => timed(process.execPath, [...LAB, SCENARIO, '--reporter', 'json'])),
  )
  const wall = performance.now() - started
  loads.push(load())
  sampling = false
  await sampler

  const ours = new Set<string>()
  const failures: string[] = []
  for (const result of results) {
    const report = (() => {
      try {
        return JSON.parse(result.stdout) as {
          scenarios: { project: string; passed: boolean; checks: { passed: boolean; reason: string }[] }[]
        }
      } catch {
        return undefined
      }
    })()
    const scenario = report?.scenarios[0]
    if (scenario) ours.add(scenario.project)
    // The first failed check is the cause (the lab not coming up, the deadline); the others follow from it.
    const cause =
      scenario?.checks.find((c) => !c.passed)?.reason ??
      result.stderr.trim().split('\n').at(-1) ??
      `exit ${result.code}`
    if (result.code !== 0) failures.push(cause.replaceAll(/socketlab-[\w-]+/g, '<project>'))
  }
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`
  const peaks = [...ours].map((p) => byProject.get(p)).filter((e) => e !== undefined)
  const inUse = peaks.map((e) => e.current).sort((a, b) => a - b)
  const cgroupPeak = peaks.map((e) => [...e.max.values()].reduce((a, b) => a + b, 0)).sort((a, b) => a - b)
  const times = results.map((r) => r.ms)
  const others = [...byProject.keys()].filter((p) => !ours.has(p))
  const counts = new Map<string, number>()
  for (const failure of failures) counts.set(failure, (counts.get(failure) ?? 0) + 1)
  const failureKinds = [...counts].map(([reason, count]) => `${count} × ${reason}`)
  return [
    `${labs} \`node --import tsx lab.ts ${SCENARIO} --reporter json\` processes started at once (a class of ${labs} on one machine).`,
    '',
    '| figure | value |',
    '|---|---|',
    `| labs passed | **${labs - failures.length} / ${labs}** |`,
    `| wall time, first start to last exit | ${formatMs(wall)} |`,
    `| one lab's time (median / max) | ${formatMs(median(times))} / ${formatMs(Math.max(...times))} |`,
    `| peak memory per lab in use, 4 containers, as \`docker stats\` counts (median / max) | ${inUse.length ? `${mib(median(inUse))} / ${mib(inUse.at(-1)!)}` : 'not sampled'} |`,
    `| peak memory per lab, sum of the containers' cgroup peaks, page cache included (median / max) | ${cgroupPeak.length ? `${mib(median(cgroupPeak))} / ${mib(cgroupPeak.at(-1)!)}` : 'not sampled'} |`,
    `| labs whose memory was sampled (every ${MEMORY_SAMPLE_MS} ms) | ${peaks.length} |`,
    '',
    failureKinds.length ? `Failures: ${failureKinds.join('; ')}.` : 'No failures.',
    '',
    `Load average before and after: ${loads.join('; ')}. Other compose projects seen meanwhile: ${others.length ? others.join(', ') : 'none'}.`,
  ].join('\n')
}

// ---- catalog: the whole catalog one at a time, then with --parallel ----

interface CatalogScenario {
  id: string
  status: string
  wallMs: number
  checks: { passed: boolean; description: string; reason: string }[]
}
interface CatalogRun {
  ms: number
  scenarios: CatalogScenario[]
}

async function catalogRun(parallel: number): Promise<CatalogRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-bench-'))
  try {
    const output = path.join(dir, 'catalog.json')
    const result = await timed(process.execPath, [
      ...LAB,
      'all',
      '--parallel',
      String(parallel),
      '--reporter',
      'json',
      '--output',
      output,
    ])
    const report = JSON.parse(await readFile(output, 'utf8')) as { scenarios: CatalogScenario[] }
    return { ms: result.ms, scenarios: report.scenarios }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function catalog(): Promise<string> {
  const cores = os.availableParallelism()
  const loads = [load()]
  const serial = await catalogRun(1)
  loads.push(load())
  // The cores; twice the cores, since most scenarios wait on timers more than they compute; every scenario at once.
  const parallels = [...new Set([cores, 2 * cores, serial.scenarios.length])]
  const runs: [number, CatalogRun][] = []
  for (const parallel of parallels) {
    await settle(`--parallel ${parallel}`)
    loads.push(load())
    runs.push([parallel, await catalogRun(parallel)])
    loads.push(load())
  }
  const longest = serial.scenarios.reduce((a, b) => (b.wallMs > a.wallMs ? b : a))
  const target = 1.3 * longest.wallMs + 5000
  // A run whose scenarios failed is reported with them: overload that breaks timing checks is a finding too.
  const verdict = ({ ms, scenarios }: CatalogRun) => {
    // Each failed scenario with its first failed check, so that a failure under load can be told apart.
    const failed = scenarios
      .filter((s) => s.status === 'failed')
      .map((s) => {
        const check = s.checks.find((c) => !c.passed)
        return check ? `${s.id} (${check.description}: ${check.reason})`.replaceAll('|', '\\|') : s.id
      })
    return `${formatMs(ms)} (${ms <= target ? 'within' : 'over'} the target of ${formatMs(target)}); ${failed.length ? `**failed: ${failed.join('; ')}**` : 'all passed or skipped'}`
  }
  return [
    `\`node --import tsx lab.ts all\` with \`--parallel 1\`, then ${parallels.map((p) => `\`--parallel ${p}\``).join(', ')} (the cores, twice the`,
    `cores, every scenario at once), each after the load average settled. Target: the parallel catalog ≤ 1.3 × the`,
    `longest scenario + 5 s.`,
    '',
    '| scenario | alone (serial run) | status |',
    '|---|---|---|',
    ...serial.scenarios.map((s) => `| ${s.id} | ${formatMs(s.wallMs)} | ${s.status} |`),
    '',
    '| run | wall time |',
    '|---|---|',
    `| serial (--parallel 1) | ${verdict(serial)} |`,
    ...runs.map(([parallel, result]) => `| --parallel ${parallel} | ${verdict(result)} |`),
    '',
    `Longest scenario alone: ${longest.id}, ${formatMs(longest.wallMs)}. Load average before and after each run: ${loads.join('; ')}.`,
  ].join('\n')
}

// ---- cold: no images at all ----

async function cold(): Promise<string> {
  const images = (await docker('images', '--format', '{{.Repository}}:{{.Tag}}'))
    .split('\n')
    .filter((name) => name.startsWith('socket-lab-base:') || name === 'socket-lab-host:latest')
  const { servicesHash } = await import('../engine/runtime/image.ts')
  images.push(`socket-lab-host:${await servicesHash()}`)
  const others = await otherProjects(() => false)
  await run('docker', ['rmi', ...new Set(images)]).catch(() => undefined)
  const left = (await docker('images', '--format', '{{.Repository}}:{{.Tag}}'))
    .split('\n')
    .filter((n) => images.includes(n))
  if (left.length) throw new Error(`cannot measure a cold start: ${left.join(', ')} still present (in use?)`)
  const loads = [load()]
  const result = await timed(process.execPath, [...LAB, SCENARIO])
  loads.push(load())
  if (result.code !== 0)
    throw new Error(`cold ${SCENARIO} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`)
  const steps = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('» ') && !line.startsWith('» running'))
    .map((line) => `    ${line}`)
  return [
    `Removed ${[...new Set(images)].join(', ')}, then \`node --import tsx lab.ts ${SCENARIO}\`: it builds the offline base (mmdebstrap from the`,
    `machine's Debian mirror), the lab image, and runs the scenario.`,
    '',
    `| figure | value |`,
    '|---|---|',
    `| cold start to a passed ${SCENARIO} | **${formatMs(result.ms)}** (target ≤ 90 s) |`,
    '',
    'What it printed on the way:',
    '',
    ...steps,
    '',
    `Load average before and after: ${loads.join('; ')}. Other compose projects running at the start: ${others.length ? others.join(', ') : 'none'}.`,
  ].join('\n')
}

/** The previous section (30 labs at once) leaves the 1-minute load average near 40: each section waits until
 * it is below half the cores, or 3 minutes, so that it does not measure its predecessor's aftermath. */
const SETTLE_LOAD_PER_CORE = 0.5
const SETTLE_MAX_MS = 180_000

async function settle(section: string): Promise<void> {
  const started = performance.now()
  const quiet = () => os.loadavg()[0] < SETTLE_LOAD_PER_CORE * os.availableParallelism()
  if (quiet()) return
  console.error(`bench: waiting for the load average (${load()}) to settle before ${section}…`)
  while (!quiet() && performance.now() - started < SETTLE_MAX_MS)
    await new Promise((resolve) => setTimeout(resolve, 5000))
  console.error(`bench: waited ${formatMs(performance.now() - started)}; load average ${load()}`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'warm,load' },
      runs: { type: 'string', default: '5' },
      labs: { type: 'string', default: '30' },
    },
  })
  const chosen = values.only.split(',') as Section[]
  const unknown = chosen.filter((s) => !SECTIONS.includes(s))
  if (unknown.length) throw new Error(`--only takes ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`)
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ')
  const header = async (title: string) => `_Measured ${stamp} UTC on:_\n\n${machineTable(await machine())}\n\n${title}`
  let text = await readFile(BENCH_FILE, 'utf8')
  const sections: Record<Section, () => Promise<string>> = {
    warm: () => warm(Number(values.runs)),
    load: () => classroom(Number(values.labs)),
    cold: () => cold(),
    catalog: () => catalog(),
    class: () => classSection(),
    'wrong-port': () => wrongPortSection(Number(values.runs)),
    topology: () => topologySection(Number(values.runs)),
    'warm-rerun': async () => (await import('./warm-rerun.ts')).warmRerun(Number(values.runs)),
    mininet: async () => (await import('./mininet.ts')).mininet(Number(values.runs)),
    ui: async () => (await import('./ui.ts')).uiSection(Number(values.runs)),
  }
  for (const section of chosen) {
    await settle(section)
    console.error(`bench: ${section}…`)
    const body = await header(await sections[section]())
    text = replaceBenchSection(text, section, body)
    await writeFile(BENCH_FILE, text)
    console.error(body)
  }
}

await main()
