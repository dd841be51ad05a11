// A self-contained HTML page for a run: each scenario's checks, its programs' output, and a sequence diagram of
// the packets between its hosts (time down the page, one lifeline per host, drops marked). Renders only.
import { checkTally, formatMs, seedLine } from '../engine/model/describe.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { HostRun, Packet } from '../engine/model/scenario.ts'
import { visible } from '../engine/model/visible.ts'
import { interfaceLanes, interfaceSegments, onSeveralNetworks } from './html-lanes.ts'
import type { Reporter, Sink } from './types.ts'

/** Diagrams longer than this show their first packets and say how many more there were. */
export const MAX_ARROWS = 250

const COLUMN = 330
const ROW = 26
const TOP = 60

/** Untrusted text made safe for HTML: control characters written out, markup characters as entities. */
export const escape = (text: string) => visible(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** One packet as the diagram draws it: who sent it to whom, when, and whether it reached the receiver. */
export interface Arrow {
  at: number
  from: string
  to: string
  label: string
  flags: string
  /** Seen leaving the sender, never seen arriving at a receiver whose interface was captured. */
  dropped: boolean
  /** The network it crossed, in a lab of several (lanes are then host interfaces: 'router@servers'). */
  network?: string
}

/** Sequence numbers relative to each direction's SYN, as Wireshark shows them: 0, 1, 23… instead of 757299694. */
function relativeSequences(packets: Packet[]): (p: Packet) => { seq?: number; ack?: number } {
  const isn = new Map<string, number>()
  const flow = (p: Packet, reverse = false) =>
    reverse ? `${p.dst}:${p.dport}>${p.src}:${p.sport}` : `${p.src}:${p.sport}>${p.dst}:${p.dport}`
  for (const p of packets)
    if (p.proto === 'tcp' && p.flags?.includes('S') && !isn.has(flow(p))) isn.set(flow(p), p.seq!)
  const relative = (value: number | undefined, base: number | undefined) =>
    value === undefined || base === undefined ? value : (value - base) >>> 0
  return (p) => ({ seq: relative(p.seq, isn.get(flow(p))), ack: relative(p.ack, isn.get(flow(p, true))) })
}

function arrowLabel(p: Packet, numbers: { seq?: number; ack?: number }): string {
  switch (p.proto) {
    case 'tcp':
      return `[${p.flags}] seq=${numbers.seq}${p.flags?.includes('.') ? ` ack=${numbers.ack}` : ''}${p.length ? ` len=${p.length}` : ''}`
    case 'udp':
      return `UDP len=${p.length}`
    case 'icmp':
      return `ICMP ${p.icmp?.type}/${p.icmp?.code}`
    case 'arp':
      return p.flags === 'request' ? `ARP who-has ${p.dst}` : `ARP reply ${p.src}`
    default:
      return p.proto
  }
}

/** Merges every host's capture into arrows: a packet seen at both ends is drawn once, at the sender's time; in a
 * lab of several networks, once per network it crossed (html-lanes.ts). */
export function arrowsOf(hosts: HostRun[]): Arrow[] {
  if (onSeveralNetworks(hosts)) {
    const packets = hosts.flatMap((h) => h.packets ?? []).sort((a, b) => a.at - b.at)
    const numbers = relativeSequences(packets)
    return interfaceSegments(hosts).map(({ packet, network, from, to, dropped }) => ({
      at: packet.at,
      from,
      to,
      label: arrowLabel(packet, numbers(packet)),
      flags: packet.flags ?? packet.proto,
      dropped,
      network,
    }))
  }
  const nameOf = new Map(hosts.filter((h) => h.address).map((h) => [h.address!, h.host]))
  const captured = new Set(hosts.filter((h) => h.packets).map((h) => h.host))
  const seen = new Map<string, { packet: Packet; at: Set<string> }>()
  for (const host of hosts) {
    for (const packet of host.packets ?? []) {
      if (packet.proto === 'other') continue
      const key =
        packet.proto === 'arp'
          ? `arp ${packet.flags} ${packet.src} ${packet.dst} ${Math.round(packet.at / 50)}`
          : `${packet.src} ${packet.dst} ${packet.proto} ${packet.ipId} ${packet.seq} ${packet.length}`
      const entry = seen.get(key) ?? { packet, at: new Set<string>() }
      if (nameOf.get(packet.src) === host.host) entry.packet = packet // the sender's copy carries the sending time
      entry.at.add(host.host)
      seen.set(key, entry)
    }
  }
  const numbers = relativeSequences(hosts.flatMap((h) => h.packets ?? []).sort((a, b) => a.at - b.at))
  return [...seen.values()]
    .map(({ packet, at }) => {
      const from = nameOf.get(packet.src) ?? packet.src
      const to = nameOf.get(packet.dst) ?? packet.dst
      return {
        at: packet.at,
        from,
        to,
        label: arrowLabel(packet, numbers(packet)),
        flags: packet.flags ?? packet.proto,
        dropped: at.has(from) && captured.has(to) && !at.has(to),
      }
    })
    .sort((a, b) => a.at - b.at)
}

export function sequenceDiagram(hosts: HostRun[]): string {
  const all = arrowsOf(hosts)
  if (all.length === 0) return '<p class="none">No packets were captured for this scenario.</p>'
  const arrows = all.slice(0, MAX_ARROWS)
  const interfaces = onSeveralNetworks(hosts) ? interfaceLanes(hosts) : []
  const lanes = [
    ...new Set([
      ...(interfaces.length ? interfaces.map((l) => l.id) : hosts.filter((h) => h.address).map((h) => h.host)),
      ...arrows.flatMap((a) => [a.from, a.to]),
    ]),
  ]
  const x = (lane: string) => 120 + lanes.indexOf(lane) * COLUMN
  const height = TOP + arrows.length * ROW + 30
  const width = 120 + lanes.length * COLUMN
  const zero = arrows[0].at
  const iface = (lane: string) => interfaces.find((l) => l.id === lane)
  const address = (lane: string) =>
    iface(lane)
      ? `${iface(lane)!.network} ${iface(lane)!.address}`
      : (hosts.find((h) => h.host === lane)?.address ?? '')
  const parts = lanes.map(
    (lane) =>
      `<g class="lane"${iface(lane) ? ` data-network="${escape(iface(lane)!.network)}"` : ''}><text x="${x(lane)}" y="20" text-anchor="middle" class="host">${escape(iface(lane)?.host ?? lane)}</text>` +
      `<text x="${x(lane)}" y="36" text-anchor="middle" class="address">${escape(address(lane))}</text>` +
      `<line x1="${x(lane)}" y1="44" x2="${x(lane)}" y2="${height - 10}"/></g>`,
  )
  arrows.forEach((arrow, i) => {
    const y = TOP + i * ROW
    const [x1, x2] = [x(arrow.from), x(arrow.to)]
    const end = arrow.dropped ? (x1 + x2) / 2 : x2
    const cls = `arrow${arrow.dropped ? ' dropped' : ''}`
    const network = arrow.network ? ` data-network="${escape(arrow.network)}"` : ''
    parts.push(
      `<g class="${cls}" data-flags="${escape(arrow.flags)}" data-from="${escape(arrow.from)}" data-to="${escape(arrow.to)}"${network}>` +
        `<text x="8" y="${y + 4}" class="time">+${Math.round(arrow.at - zero)} ms</text>` +
        `<line x1="${x1}" y1="${y}" x2="${end}" y2="${y}" marker-end="url(#${arrow.dropped ? 'cross' : 'head'})"/>` +
        `<text x="${(x1 + end) / 2}" y="${y - 5}" text-anchor="middle" class="label" paint-order="stroke" stroke="#fcfcfc" stroke-width="4">${escape(arrow.label)}${arrow.network ? ` · ${escape(arrow.network)}` : ''}${arrow.dropped ? ' (dropped)' : ''}</text></g>`,
    )
  })
  const more = all.length > arrows.length ? `<p class="none">… and ${all.length - arrows.length} more packets.</p>` : ''
  return (
    `<svg class="sequence" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="packet sequence diagram">` +
    '<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker>' +
    '<marker id="cross" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10"><path d="M0,0L10,10M10,0L0,10" stroke="#c0392b" stroke-width="2"/></marker></defs>' +
    `${parts.join('')}</svg>${more}`
  )
}

function scenarioSection(result: ScenarioResult): string {
  const hosts = Object.values(result.run.hosts)
  const checks = result.checks
    .map(
      (check) =>
        `<tr class="${check.passed ? 'pass' : 'fail'}"><td>${check.passed ? '✔' : '✘'}</td>` +
        `<td>${escape(check.description)}</td><td>${escape(check.reason)}</td></tr>`,
    )
    .join('')
  const output = hosts
    .map(
      (host) =>
        `<details${result.status === 'passed' ? '' : ' open'}><summary>${escape(host.host)} output</summary><pre>` +
        `${[...host.stdout.map((l) => `+${Math.round(l.atMs)} ms  ${escape(l.text)}`), ...host.stderr.map((l) => `+${Math.round(l.atMs)} ms  [stderr] ${escape(l.text)}`)].join('\n') || '(nothing)'}</pre></details>`,
    )
    .join('')
  return (
    `<section id="${escape(result.scenario.id)}" class="${result.status}"><h2>${escape(result.scenario.id)} <small>${escape(result.status)} · ` +
    `${formatMs(result.wallMs)} · ${escape(seedLine(result.seed))}</small></h2><p>${escape(result.scenario.title)} <em>(seed: ${escape(result.scenario.teaches)})</em></p>` +
    `<table class="checks">${checks}</table><h3>Packets</h3>${sequenceDiagram(hosts)}<h3>Programs</h3>${output}</section>`
  )
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}h2 small{font-weight:normal;color:#666}
section{border-top:1px solid #ddd;padding-top:1em;margin-top:2em}table.checks td{padding:2px 8px;vertical-align:top}
tr.pass td:first-child{color:#1e8449}tr.fail td:first-child,tr.fail td:last-child{color:#c0392b}
svg.sequence{font:12px ui-monospace,monospace;background:#fcfcfc;border:1px solid #eee}
.lane line{stroke:#999;stroke-dasharray:4 3}.host{font-weight:bold}.address,.time{fill:#777}
.arrow line{stroke:#2c3e50;stroke-width:1.4}.arrow.dropped line{stroke:#c0392b;stroke-dasharray:5 3}.arrow.dropped .label{fill:#c0392b}
pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:24em}.none{color:#777}`

export function htmlReport(results: ScenarioResult[], title = 'socket-lab report'): string {
  const summary = results
    .map(
      (r) =>
        `<li class="${r.status}"><a href="#${escape(r.scenario.id)}">${escape(r.scenario.id)}</a>: ${r.status}, ` +
        `${checkTally(r.checks).text} checks${r.score ? `, ${r.score.points}/${r.score.max} points` : ''}</li>`,
    )
    .join('')
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>` +
    `<body><h1>${escape(title)}</h1><ul class="summary">${summary}</ul>${results.map(scenarioSection).join('')}</body></html>\n`
  )
}

/** --report FILE: the page, written once every scenario has ended. */
export class HtmlReporter implements Reporter {
  readonly #sink: Sink
  readonly #written: () => void
  constructor(sink: Sink, written: () => void) {
    this.#sink = sink
    this.#written = written
  }
  async onRunEnd(results: ScenarioResult[]): Promise<void> {
    await this.#sink(htmlReport(results))
    this.#written()
  }
}
