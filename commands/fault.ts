// `lab fault <host> loss 30` (rate, blackhole, reject, disconnect, partition A B, clear): changes a live lab's
// faults while its programs run. Each host's sidecar is reset and given its new plan, from the same fault
// vocabulary and planner (engine/plan/faults.ts) as scenario files; `lab ps -v` shows the counters.
import { netPlans } from '../engine/plan/faults.ts'
import { randomSeed } from '../engine/plan/seeds.ts'
import { changeFaults, parseFaultWords } from '../engine/plan/live-faults.ts'
import { chooseLiveLab, saveLiveLab } from '../engine/plan/live-lab.ts'
import * as docker from '../engine/runtime/docker.ts'
import { liveHosts, sidecarControl } from '../engine/runtime/live.ts'
import { LAB, hostNamesOf } from './live.ts'
import { say } from './shared.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: 'fault',
  synopsis: 'fault <host> loss N|rate KBIT|blackhole|reject|disconnect|clear, fault partition A B, fault clear',
  summary: "change a live lab's faults while its programs run (the scenario files' vocabulary)",
  positionals: true,
  options: { lab: LAB },
  async run(values, words) {
    const lab = await chooseLiveLab(values.lab)
    const names = await hostNamesOf(lab)
    const faults = changeFaults(lab.faults, parseFaultWords(words, names), names)
    await docker.preflight()
    const hosts = await liveHosts(lab, names)
    // A person's fault in a live lab is no run to rerun: its draws come from a seed of its own.
    const plans = netPlans(
      { hosts: Object.fromEntries(names.map((h) => [h, { program: '' }])), faults },
      { seed: randomSeed() },
    )
    // Every host is reset: a fault cleared from one host leaves nothing behind, and the others keep theirs.
    await Promise.all(
      [...hosts.values()]
        .filter((host) => host.sidecar)
        .map((host) => sidecarControl(host, ['reset', JSON.stringify(plans[host.name] ?? {})])),
    )
    await saveLiveLab({ ...lab, faults })
    say(
      faults.length
        ? `lab ${lab.name} now has: ${faults.map(describeFault).join('; ')}`
        : `lab ${lab.name} has no fault now`,
    )
    return 0
  },
})

function describeFault(fault: import('../engine/model/scenario.ts').Fault): string {
  switch (fault.kind) {
    case 'loss':
      return `${fault.host} loses ${fault.percent} %${fault.protocol ? ` of ${fault.protocol}` : ''} (${fault.direction ?? 'in'})`
    case 'rate':
      return `${fault.host} sends at most ${fault.kbit} kbit/s`
    case 'partition':
      return `${fault.between[0]} and ${fault.between[1]} cut apart`
    default:
      return `${'host' in fault ? fault.host : ''} ${fault.kind}`
  }
}

export default command
