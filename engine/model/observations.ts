// What a run observed, as plain data: every host's output and end, its packets, and the check records made of them.

/** One packet seen on a host's interface, decoded from its capture. */
export interface Packet {
  /** Epoch milliseconds. */
  at: number
  proto: 'tcp' | 'udp' | 'icmp' | 'arp' | 'other'
  src: string
  dst: string
  sport?: number
  dport?: number
  /** TCP flags in tcpdump's letters: S (SYN), F (FIN), R (RST), P (PUSH), . (ACK), e.g. 'S.' for SYN-ACK;
   * 'request' or 'reply' for ARP. */
  flags?: string
  seq?: number
  ack?: number
  /** The IPv4 identification field: with the addresses, it tells one packet seen in two captures. */
  ipId?: number
  /** Payload bytes (TCP or UDP data). */
  length: number
  /** The payload itself, for UDP and small TCP segments (the first 256 bytes). */
  payload?: Buffer
  /** ICMP type and code (3/3 port unreachable, 3/1 host unreachable). */
  icmp?: { type: number; code: number }
  /** Set when the IPv4 packet is a fragment: `offset` in bytes of the datagram, `more` when fragments follow.
   * Only the first fragment (offset 0) carries ports and the TCP/UDP header; later ones are data only. */
  fragment?: { offset: number; more: boolean }
  /** The TCP MSS option a SYN carries: the largest segment its sender takes (its interface's MTU less 40). */
  mss?: number
  /** The IPv4 time to live: one lower after each router. */
  ttl?: number
  /** The IPv4 Don't Fragment bit, when set. */
  dontFragment?: boolean
  /** The frame's source MAC address (aa:bb:…): a routed packet carries its last router's. */
  srcMac?: string
  /** The index of the interface it was captured on, in a capture of every interface (a multi-network host). */
  ifIndex?: number
  /** The network it crossed, for a host on several networks. */
  network?: string
}

export interface Check {
  description: string
  passed: boolean
  /** The observed value: what happened, not what was hoped for. */
  reason: string
  /** Evidence worth showing under the check, a line each (a packet exchange, the last lines of output). */
  details?: string[]
  /** `text`: it failed on what a message said, the conversation itself took place (a hint may then say that the
   * exchange worked). Unset: a scenario's own check is about the conversation. */
  about?: 'text'
}

export interface OutputLine {
  /** Milliseconds since the program started. */
  atMs: number
  text: string
}

/** What one host did during a run, as plain data. */
export interface HostRun {
  host: string
  /** false when the lab ended before this host's container started. */
  started: boolean
  /** null while the program was still running when the lab ended, or when it never started. */
  exitCode: number | null
  /** Epoch milliseconds at which the program started: the zero of `atMs` and `elapsedMs`. */
  startedAt: number
  /** Milliseconds from the program's start to its exit, or to the end of the run when still running. */
  elapsedMs: number
  stdout: OutputLine[]
  stderr: OutputLine[]
  /** The host's address on the lab network (its first network's, for a host on several). */
  address?: string
  /** A host on several networks: its address on each. */
  addresses?: Record<string, string>
  /** Packets on the host's interface, when the scenario captures it. */
  packets?: Packet[]
  /** Sockets listening in the host when the lab ended, as `address:port/proto` (e.g. 127.0.0.1:12345/tcp). */
  listening?: string[]
  /** The program's output passed the limit for submitted programs and it was stopped. */
  outputCut?: boolean
  /** Packets each fault dropped or rejected on this host, by fault kind, as the sidecar counted them. */
  faultCounters?: Record<string, number>
  /** When this host's sidecar really put each timed fault on and took it off (epoch ms, by its output's
   * timestamps), in the order they went on: what timed checks judge against, not the plan's offsets. */
  faultWindows?: { table: string; on: number; off?: number }[]
  /** Which applied this host's impairments (delay, jitter, …): the kernel's netem or the sidecar's userspace engine. */
  impairedBy?: 'netem' | 'userspace'
}

export interface LabRun {
  hosts: Record<string, HostRun>
  /** Why the scenario could not be run here (a fault this kernel cannot apply), when it could not. */
  skipped?: string
  /** Phases that went wrong (the lab did not come up, a host outlived the deadline). */
  problems: Problem[]
  /** What is worth saying but fails nothing (a capture stopped at its cap, packets left undecoded), in words. */
  notes?: string[]
}

/** What kind of thing went wrong in a run: what a task decides on (grade's "hit the deadline"), never the text. */
export type ProblemKind =
  /** The lab did not come up, or a live lab lacks what the run needs. */
  | 'lab-up'
  /** A listening host did not listen on its port in time. */
  | 'not-listening'
  /** It listened, but on other ports only. */
  | 'wrong-port'
  /** It exited before it listened. */
  | 'exited-early'
  /** A program was still running at the scenario's deadline. */
  | 'deadline'
  /** Every program waited for what nothing would send: stopped before the deadline, with the same outcome. */
  | 'stalled'
  /** A network sidecar failed, or a control command to it did. */
  | 'sidecar'
  /** A capture could not be read to its end. */
  | 'capture'
  /** Collecting the hosts' output took too long. */
  | 'collect'
  /** Something of the lab could not be removed. */
  | 'teardown'

export interface Problem {
  kind: ProblemKind
  /** The host it is about, when it is about one. */
  host?: string
  /** In words, for people. */
  text: string
}

/** A problem's words, for the reports that list them. */
export const problemText = (problem: Problem) => problem.text
