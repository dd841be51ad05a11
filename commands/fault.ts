// `lab fault <host> loss 30` (rate, blackhole, reject, disconnect, partition A B, clear): changes a live lab's
// faults while its programs run. Each host's sidecar is reset and given its new plan, from the same fault
// vocabulary and planner (engine/plan/faults.ts) as scenario files; `lab ps -v` shows the counters.
import { describeFault } from '../engine/model/describe.ts'
import { changeFaults, parseFaultWords } from '../engine/plan/live-faults.ts'
import { chooseLiveLab } from '../engine/plan/live-lab.ts'
import * as docker from '../engine/runtime/docker.ts'
import { setLiveFaults } from '../engine/runtime/live.ts'
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
    await setLiveFaults(lab, names, faults)
    say(
      faults.length
        ? `lab ${lab.name} now has: ${faults.map(describeFault).join('; ')}`
        : `lab ${lab.name} has no fault now`,
    )
    return 0
  },
})

export default command
