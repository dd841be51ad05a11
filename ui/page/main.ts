// The browser page of `lab ui`: the lab's topology, each run's timeline (one lane per host: its program's lines,
// the packets between lanes, its socket and fault events), the checks as they resolve with their evidence, the hints
// in the student's language, and the controls (run again, change a fault). Everything comes from the server's
// event stream (ui/server.ts); everything a program printed is written as text, never as HTML.
import { packetLabel, packetKey, type PagePacket } from './packets.ts'

interface HostPicture {
  name: string
  role: string
  addresses: Record<string, string>
  faults: string[]
  counters: Record<string, number>
}
interface LabPicture {
  scenario: { id: string; title: string; teaches: string; deadlineMs: number }
  lab: string | null
  cold: string | null
  networks: string[]
  hosts: HostPicture[]
  links: { between: [string, string]; text: string }[]
  seed: number | null
}
interface Check {
  description: string
  passed: boolean
  reason?: string
}
interface Hint {
  id: string
  text: Record<string, string>
}
interface Row {
  t: number
  /** Lines whose host's start is not known yet are placed by when they came. */
  kind: 'line' | 'packet' | 'fault' | 'listening' | 'ended' | 'started' | 'problem'
  host?: string
  text: string
  stream?: string
  atMs?: number
  packet?: PagePacket
  key?: string
  action?: string
  lateMs?: number
  live?: boolean
}
interface Run {
  id: string
  number: number
  startedAt: number
  hosts: string[]
  hostStarts: Record<string, number>
  rows: Row[]
  /** Which hosts' captures saw each packet, by its key; and which hosts were captured at all. */
  sightings: Map<string, Set<string>>
  captured: Set<string>
  checks: Check[]
  hints: Hint[]
  status?: string
  packetsCut?: number
  /** Its hosts are being collected (a host-started or host-ended came: those are told once the run stopped). */
  collecting?: boolean
}

/** A run draws at most this many rows; the rest are counted, not drawn (a flood stays a page, not a freeze). */
const MAX_ROWS = 3000

const token = new URLSearchParams(location.search).get('token') ?? ''
const withToken = (path: string) => `${path}?token=${encodeURIComponent(token)}`

let picture: LabPicture | undefined
const runs: Run[] = []
let shown: Run | undefined
let running = false
let lang: 'pt' | 'en' = navigator.language.toLowerCase().startsWith('pt') ? 'pt' : 'en'
let faultMessage: { ok: boolean; text: string } | undefined
let connectionError = false
/** Step and replay: the share of the shown run's time drawn (undefined: all of it, as it comes). */
let until: number | undefined
let replaying: ReturnType<typeof setInterval> | undefined

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue
    if (name === 'class') node.className = String(value)
    else node.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children) if (child !== undefined) node.append(child) // strings become text nodes
  return node
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`

function hostOfAddress(address: string): string | undefined {
  return picture?.hosts.find((host) => Object.values(host.addresses).includes(address))?.name
}

/** The run an event belongs to: the one under way with that id; a new one only for its start (warm reruns share
 * their lab's id), else the last run of that id (a packet read as its capture stopped). */
function runOf(id: string, starts = false): Run {
  let run = runs.find((r) => r.id === id && r.status === undefined)
  if (!run && !starts) run = runs.findLast((r) => r.id === id)
  if (!run) {
    run = {
      id,
      number: runs.length + 1,
      startedAt: Date.now(),
      hosts: picture?.hosts.map((h) => h.name) ?? [],
      hostStarts: {},
      rows: [],
      sightings: new Map(),
      captured: new Set(),
      checks: [],
      hints: [],
    }
    runs.push(run)
    shown = run
  }
  return run
}

function take(message: Record<string, unknown>): void {
  switch (message.kind) {
    case 'lab':
      picture = message.lab as LabPicture
      return
    case 'state':
      running = message.running as boolean
      connectionError = false
      if (typeof message.error === 'string') faultMessage = { ok: false, text: `the run failed: ${message.error}` }
      return
    case 'fault-changed':
      faultMessage = { ok: message.ok as boolean, text: message.text as string }
      return
  }
  const id = message.runId as string | undefined
  if (!id) return
  if (message.kind === 'run-started') {
    const run = runOf(id, true)
    run.startedAt = message.at as number
    run.hosts = message.hosts as string[]
    return
  }
  const run = runOf(id)
  const host = message.host as string | undefined
  switch (message.kind) {
    case 'host-started': {
      run.collecting = true
      run.hostStarts[host!] = message.at as number
      for (const row of run.rows)
        if (row.kind === 'line' && row.host === host && row.atMs !== undefined)
          row.t = (message.at as number) + row.atMs
      run.rows.push({ t: message.at as number, kind: 'started', host, text: `${host} started` })
      return
    }
    case 'line': {
      const atMs = message.atMs as number
      const start = run.hostStarts[host!]
      run.rows.push({
        t: start !== undefined ? start + atMs : Date.now(),
        kind: 'line',
        host,
        text: message.text as string,
        stream: message.stream as string,
        atMs,
      })
      return
    }
    case 'packet': {
      const packet = message.packet as PagePacket
      if (!packet.src || !packet.dst) return // a frame the decoder could not read (not IP, not ARP)
      // Two hosts that both capture see the same packet: it is drawn once.
      const key = packetKey(packet)
      run.captured.add(host!)
      const seen = run.sightings.get(key)
      if (seen) {
        seen.add(host!)
        return
      }
      run.sightings.set(key, new Set([host!]))
      // How long after its capture the page had it: the live channel's delay (read by the bench and the tests).
      run.rows.push({
        t: packet.at,
        kind: 'packet',
        host,
        text: packetLabel(packet),
        packet,
        key,
        lateMs: Date.now() - packet.at,
        // and whether it came while the run went on (a live capture), not with the run's collected end.
        live: run.status === undefined && !run.collecting,
      })
      return
    }
    case 'fault':
      run.rows.push({
        t: message.at as number,
        kind: 'fault',
        host,
        action: message.action as string,
        text: `${host}: fault ${message.action as string}`,
      })
      return
    case 'socket-listening':
      run.rows.push({
        t: message.at as number,
        kind: 'listening',
        host,
        text: `${host} listens on port ${message.port as number}`,
      })
      return
    case 'host-ended':
      run.rows.push({
        t: message.at as number,
        kind: 'ended',
        host,
        text: `${host} exited${message.exitCode === null ? '' : ` with code ${message.exitCode as number}`}`,
      })
      return
    case 'problem': {
      const problem = message.problem as { host?: string; text: string; kind: string }
      run.rows.push({ t: Date.now(), kind: 'problem', host: problem.host, text: problem.text })
      return
    }
    case 'check':
      run.checks.push(message.check as Check)
      return
    case 'run-ended':
      run.status = message.status as string
      run.hints = (message.hints as Hint[]) ?? []
      run.checks = (message.checks as Check[]) ?? run.checks
      if (typeof message.packetsCut === 'number') run.packetsCut = message.packetsCut
      return
  }
}

// ---- drawing ----

function drawTopology(root: HTMLElement): void {
  root.replaceChildren()
  if (!picture) return
  for (const network of picture.networks) {
    const hosts = picture.hosts.filter(
      (host) => network in host.addresses || !Object.keys(host.addresses).length || picture!.networks.length === 1,
    )
    root.append(
      el(
        'div',
        { class: 'network', 'data-network': network },
        el('h2', {}, `network ${network}`),
        el(
          'div',
          { class: 'hosts' },
          ...hosts.map((host) =>
            el(
              'div',
              { class: `host role-${host.role}`, 'data-host': host.name, 'data-role': host.role },
              el('strong', {}, host.name),
              el('span', { class: 'role' }, host.role),
              el(
                'span',
                { class: 'address', 'data-address': host.addresses[network] ?? '' },
                host.addresses[network] ?? '…',
              ),
              ...host.faults.map((text) => el('span', { class: 'fault', 'data-fault': host.name }, `⚡ ${text}`)),
              ...Object.entries(host.counters ?? {})
                .filter(([, count]) => count > 0)
                .map(([name, count]) =>
                  el(
                    'span',
                    { class: 'counter', [`data-counter-${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`]: count },
                    `${name}: ${count}`,
                  ),
                ),
            ),
          ),
        ),
      ),
    )
  }
  for (const link of picture.links)
    root.append(
      el(
        'div',
        { class: 'link fault', 'data-fault': link.between.join(' ') },
        `⚡ ${link.between.join(' ⟷ ')}: ${link.text}`,
      ),
    )
}

/** The controls, made once (a redraw must not take a half-typed fault away), updated on every draw. */
const controls = (() => {
  const rerun = el('button', { type: 'button', 'data-action': 'rerun' }, 'Run again')
  rerun.addEventListener('click', () => {
    rerun.disabled = true
    void fetch(withToken('/run'), { method: 'POST' })
  })
  const which = el('select', { 'aria-label': 'run', 'data-action': 'show-run' })
  which.addEventListener('change', () => {
    shown = runs[Number(which.value) - 1]
    schedule()
  })
  const language = el(
    'select',
    { 'aria-label': 'language', 'data-action': 'language' },
    el('option', { value: 'pt', selected: lang === 'pt' }, 'português'),
    el('option', { value: 'en', selected: lang === 'en' }, 'English'),
  )
  language.addEventListener('change', () => {
    lang = language.value === 'pt' ? 'pt' : 'en'
    schedule()
  })
  const input = el('input', { type: 'text', name: 'fault', 'aria-label': 'fault' })
  const apply = el('button', { type: 'button', 'data-action': 'fault' }, 'Set fault')
  const applyFault = async () => {
    const words = input.value.trim().split(/\s+/).filter(Boolean)
    const response = await fetch(withToken('/fault'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ words }),
    })
    faultMessage = (await response.json()) as { ok: boolean; text: string }
    schedule()
  }
  apply.addEventListener('click', () => void applyFault())
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void applyFault()
  })
  const message = el('p', { id: 'fault-message' })
  const notes = el('div', { class: 'note' })
  // Step and replay: the timeline up to a moment of the shown run (all of it at the right end).
  const step = el('input', {
    type: 'range',
    min: 0,
    max: 1000,
    value: 1000,
    'aria-label': 'time',
    'data-action': 'step',
  })
  step.addEventListener('input', () => {
    until = Number(step.value) >= 1000 ? undefined : Number(step.value) / 1000
    schedule()
  })
  const replay = el('button', { type: 'button', 'data-action': 'replay' }, 'Replay')
  replay.addEventListener('click', () => {
    clearInterval(replaying)
    until = 0
    replaying = setInterval(() => {
      until = Math.min(1, (until ?? 1) + 0.01)
      step.value = String(Math.round(until * 1000))
      if (until >= 1) {
        clearInterval(replaying)
        until = undefined
      }
      schedule()
    }, 50)
  })
  const moment = el('span', { class: 'note', 'data-moment': '' })
  return { rerun, which, language, input, apply, message, notes, step, replay, moment }
})()

function drawControls(root: HTMLElement): void {
  const { rerun, which, language, input, apply, message, notes, step, replay, moment } = controls
  if (!root.childElementCount)
    root.append(
      rerun,
      which,
      language,
      el('span', { class: 'fault-control' }, input, apply),
      el('span', { class: 'step' }, replay, step, moment),
      message,
      notes,
    )
  step.disabled = replay.disabled = !shown?.status
  if (until === undefined) step.value = '1000'
  rerun.disabled = running
  rerun.textContent = running ? 'running…' : 'Run again'
  if (which.options.length !== runs.length)
    which.replaceChildren(...runs.map((run) => el('option', { value: run.number }, `run ${run.number}`)))
  if (shown) which.value = String(shown.number)
  language.value = lang
  input.disabled = apply.disabled = !picture?.lab
  input.placeholder = picture?.lab ? 'server loss 30 · partition client server · clear' : 'this scenario runs cold'
  message.textContent = faultMessage?.text ?? ''
  message.className = faultMessage ? (faultMessage.ok ? 'ok' : 'bad') : ''
  message.dataset.ok = String(faultMessage?.ok ?? '')
  notes.replaceChildren(
    ...(picture?.cold ? [el('p', {}, `runs cold each time: ${picture.cold}`)] : []),
    ...(picture?.seed !== null && picture?.seed !== undefined
      ? [el('p', { 'data-seed': picture.seed }, `seed ${picture.seed}`)]
      : []),
  )
}

/** A check's evidence: the rows of the hosts it names, or its packets for a check about packets. */
function evidenceOf(run: Run, check: Check): Row | undefined {
  const words = check.description.toLowerCase()
  if (/\b(syn|ack|fin|packet|segment|datagram|handshake|icmp)/.test(words)) {
    const packet = run.rows.find((row) => row.kind === 'packet')
    if (packet) return packet
  }
  const host = run.hosts.find((name) => new RegExp(`\\b${name}\\b`).test(words))
  return run.rows.find((row) => row.host === host && row.kind === 'line') ?? run.rows.find((row) => row.host === host)
}

function drawChecks(root: HTMLElement, run: Run | undefined, rowIds: Map<Row, string>): void {
  root.replaceChildren()
  if (!run) return
  root.append(
    el(
      'h2',
      {},
      `checks of run ${run.number}`,
      run.status ? el('span', { class: `verdict ${run.status}`, 'data-verdict': run.status }, ` ${run.status}`) : '',
    ),
  )
  const list = el('ul', {})
  for (const check of run.checks) {
    const evidence = evidenceOf(run, check)
    const target = evidence && rowIds.get(evidence)
    const item = el(
      'li',
      {
        'data-check': check.description,
        'data-passed': String(check.passed),
        class: check.passed ? 'passed' : 'failed',
      },
      `${check.passed ? '✔' : '✘'} ${check.description}`,
      check.reason ? el('span', { class: 'reason' }, ` — ${check.reason}`) : undefined,
    )
    if (target) {
      const link = el('a', { href: `#${target}`, 'data-evidence': target }, ' evidence')
      link.addEventListener('click', (event) => {
        event.preventDefault()
        const row = document.getElementById(target)
        row?.scrollIntoView({ block: 'center' })
        row?.classList.add('highlight')
      })
      item.append(link)
    }
    list.append(item)
  }
  root.append(list)
  for (const hint of run.hints)
    root.append(
      el(
        'p',
        { class: 'hint', 'data-hint': hint.id, lang: lang === 'pt' ? 'pt-BR' : 'en' },
        hint.text[lang] ?? hint.text.en,
      ),
    )
}

/** Why a packet its sender's capture saw never reached its receiver's (which was captured too): the faults on
 * the receiver, the sender, or a router between them; undefined when it was not lost (or cannot be told yet). */
function droppedBecause(
  run: Run,
  row: Row,
  from: string | undefined,
  to: string | undefined,
  bands: Map<string, { from: number; to: number }[]>,
): string | undefined {
  if (run.status === undefined || !row.key || !from || !to) return undefined
  const seen = run.sightings.get(row.key)!
  if (!seen.has(from) || !run.captured.has(to) || seen.has(to)) return undefined
  const hosts = picture?.hosts ?? []
  // A host whose faults are timed drops only while they are on (the band of its sidecar's own times); a packet
  // unseen at its receiver outside every such while (the last one in flight as the captures stopped) is no drop.
  const dropsThen = (name: string) => {
    const host = hosts.find((h) => h.name === name)
    if (!host?.faults.length) return undefined
    const windows = bands.get(name)
    return !windows?.length || windows.some((band) => row.t >= band.from && row.t <= band.to) ? host : undefined
  }
  const faulty = [to, from, ...hosts.filter((h) => h.role === 'router').map((h) => h.name)]
    .map(dropsThen)
    .find((host) => host !== undefined)
  return faulty ? `${faulty.name} ${faulty.faults.join(', ')}` : undefined
}

/** Lanes as the topology goes: the first network's hosts, its routers, then the next network's hosts. */
function laneOrder(hosts: string[]): string[] {
  if (!picture || picture.networks.length < 2) return hosts
  const known = new Map(picture.hosts.map((host) => [host.name, host]))
  const order: string[] = []
  for (const network of picture.networks) {
    const on = hosts.filter((name) => network in (known.get(name)?.addresses ?? {}) && !order.includes(name))
    order.push(
      ...on.filter((name) => known.get(name)?.role !== 'router'),
      ...on.filter((name) => known.get(name)?.role === 'router'),
    )
  }
  return [...order, ...hosts.filter((name) => !order.includes(name))]
}

function drawTimeline(root: HTMLElement, run: Run | undefined): Map<Row, string> {
  root.replaceChildren()
  const ids = new Map<Row, string>()
  if (!run) return ids
  const lanes = laneOrder(run.hosts)
  const all = [...run.rows].sort((a, b) => a.t - b.t)
  const first = all[0]?.t ?? run.startedAt
  const last = all.at(-1)?.t ?? first
  const moment = until === undefined ? undefined : first + (last - first) * until
  const rows = moment === undefined ? all : all.filter((row) => row.t <= moment)
  controls.moment.textContent = moment === undefined ? '' : `at +${seconds(moment - run.startedAt)}`
  controls.moment.dataset.moment = moment === undefined ? '' : String(Math.round(moment - run.startedAt))
  const drawn = rows.slice(0, MAX_ROWS)
  // Where each host's faults were on: a band across its lane.
  const bands = new Map<string, { from: number; to: number }[]>()
  for (const row of rows.filter((r) => r.kind === 'fault' && r.host)) {
    const list = bands.get(row.host!) ?? []
    if (row.action === 'applied') list.push({ from: row.t, to: Infinity })
    else if (list.length) list[list.length - 1].to = row.t
    bands.set(row.host!, list)
  }
  const inBand = (host: string, t: number) => (bands.get(host) ?? []).some((band) => t >= band.from && t <= band.to)
  const table = el('table', { class: 'lanes', 'data-run': run.number })
  table.append(
    el('thead', {}, el('tr', {}, el('th', {}, 'time'), ...lanes.map((lane) => el('th', { 'data-lane': lane }, lane)))),
  )
  const tbody = el('tbody', {})
  for (const [index, row] of drawn.entries()) {
    const id = `run${run.number}-row${index}`
    ids.set(row, id)
    const tr = el('tr', { id, 'data-kind': row.kind })
    tr.append(el('td', { class: 'time' }, `+${seconds(row.t - run.startedAt)}`))
    const cell = (lane: string, ...content: (Node | string)[]) =>
      el('td', { 'data-lane': lane, class: inBand(lane, row.t) ? 'in-fault' : undefined }, ...content)
    if (row.kind === 'packet' && row.packet) {
      const from = hostOfAddress(row.packet.src)
      const to = hostOfAddress(row.packet.dst)
      const a = from ? lanes.indexOf(from) : -1
      const b = to ? lanes.indexOf(to) : -1
      if (a >= 0 && b >= 0 && a !== b) {
        const dropped = droppedBecause(run, row, from, to, bands)
        const [left, right] = a < b ? [a, b] : [b, a]
        for (let i = 0; i < left; i++) tr.append(cell(lanes[i]))
        tr.append(
          el(
            'td',
            {
              colspan: right - left + 1,
              'data-lanes': lanes.slice(left, right + 1).join(' '),
              class: `arrow ${a < b ? 'right' : 'left'}${lanes.slice(left, right + 1).some((lane) => inBand(lane, row.t)) ? ' in-fault' : ''}`,
            },
            el(
              'div',
              {
                'data-packet': row.packet.proto,
                'data-from': from,
                'data-to': to,
                'data-flags': row.packet.flags,
                'data-late-ms': Math.round(row.lateMs ?? 0),
                'data-live': String(row.live === true),
                'data-dropped': dropped,
                class: dropped ? 'dropped' : undefined,
                title: `${row.packet.src}:${row.packet.sport ?? ''} → ${row.packet.dst}:${row.packet.dport ?? ''}`,
              },
              dropped ? `${row.text} ✗ dropped: ${dropped}` : row.text,
            ),
          ),
        )
        for (let i = right + 1; i < lanes.length; i++) tr.append(cell(lanes[i]))
      } else {
        // To or from no lab host's address (a broadcast, the resolver): in the capturing host's lane.
        for (const lane of lanes)
          tr.append(
            lane === row.host
              ? cell(
                  lane,
                  el(
                    'div',
                    {
                      'data-packet': row.packet.proto,
                      'data-from': from ?? row.packet.src,
                      'data-to': to ?? row.packet.dst,
                    },
                    `${row.text} (${row.packet.src} → ${row.packet.dst})`,
                  ),
                )
              : cell(lane),
          )
      }
    } else if (row.kind === 'fault') {
      tr.append(
        el(
          'td',
          { colspan: lanes.length, class: 'fault-edge', 'data-fault': row.host, 'data-fault-action': row.action },
          `⚡ ${row.text}`,
        ),
      )
    } else {
      for (const lane of lanes) {
        if (lane !== row.host) {
          tr.append(cell(lane))
          continue
        }
        const text = el('span', { class: row.stream === 'stderr' ? 'stderr' : undefined }, row.text)
        tr.append(
          cell(
            lane,
            row.kind === 'line'
              ? el('div', { 'data-line': lane, 'data-stream': row.stream }, text)
              : el('div', { class: row.kind, 'data-event': row.kind }, text),
          ),
        )
      }
    }
    tbody.append(tr)
  }
  table.append(tbody)
  root.append(el('h2', {}, `timeline of run ${run.number}`), table)
  const cut = rows.length - drawn.length
  if (cut > 0 || run.packetsCut)
    root.append(
      el(
        'p',
        { class: 'note', 'data-cut': cut + (run.packetsCut ?? 0) },
        `${cut} more events not drawn (a run draws its first ${MAX_ROWS})${run.packetsCut ? `; ${run.packetsCut} packets not sent to the page` : ''}`,
      ),
    )
  return ids
}

let scheduled = false
function schedule(): void {
  if (scheduled) return
  scheduled = true
  requestAnimationFrame(() => {
    scheduled = false
    draw()
  })
}

function draw(): void {
  const title = document.getElementById('title')!
  title.textContent = picture ? `${picture.scenario.id}: ${picture.scenario.title}` : 'socket-lab'
  const status = document.getElementById('status')!
  const state = connectionError ? 'disconnected' : running ? 'running' : (shown?.status ?? 'idle')
  status.dataset.status = state
  status.textContent = connectionError ? 'disconnected from the lab' : state
  drawTopology(document.getElementById('topology')!)
  drawControls(document.getElementById('controls')!)
  const ids = drawTimeline(document.getElementById('timeline')!, shown)
  drawChecks(document.getElementById('checks')!, shown, ids)
}

const source = new EventSource(withToken('/events'))
source.addEventListener('message', (event) => {
  take(JSON.parse(event.data as string) as Record<string, unknown>)
  schedule()
})
source.addEventListener('error', () => {
  connectionError = true
  schedule()
})
schedule()
