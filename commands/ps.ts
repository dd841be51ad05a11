// `lab ps`: the live labs (`lab up`), with age, scenario and hosts; -v adds each sidecar's fault counters.
import { formatMs } from '../engine/model/describe.ts'
import { listLiveLabs } from '../engine/plan/live-lab.ts'
import { readSidecarReport } from '../engine/runtime/sidecar-report.ts'
import * as docker from '../engine/runtime/docker.ts'
import { liveHosts, liveState, sidecarControl } from '../engine/runtime/live.ts'
import { hostNamesOf } from './live.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: 'ps',
  synopsis: 'ps [-v]',
  summary: 'list the live labs (`lab up`): age, scenario, hosts',
  positionals: false,
  options: {
    verbose: { type: 'boolean', short: 'v', help: "also each host's faults and fault counters" },
  },
  async run(values) {
    const labs = await listLiveLabs()
    if (!labs.length) {
      console.log('no live lab (`npm run lab -- up <scenario>` starts one)')
      return 0
    }
    await docker.preflight()
    for (const lab of labs) {
      const state = await liveState(lab)
      const hosts = state === 'gone' ? new Map() : await liveHosts(lab, await hostNamesOf(lab))
      const age = formatMs(Date.now() - lab.createdAt).replace(/\.\d s$/, ' s')
      const submitted = Object.entries(lab.submissions).map(([host, file]) => `${host}=${file}`)
      console.log(
        `${lab.name}  ${state}  ${lab.scenario}  up ${age}  hosts ${[...hosts.keys()].join(', ') || '-'}${submitted.length ? `  programs ${submitted.join(' ')}` : ''}`,
      )
      if (state === 'gone')
        console.log(
          '    its containers are gone (`lab clean` removes live labs too): `npm run lab -- down ' +
            lab.name +
            '` forgets it',
        )
      if (!values.verbose || state === 'gone') continue
      console.log(`    faults: ${lab.faults.length ? lab.faults.map((f) => JSON.stringify(f)).join(' ') : 'none'}`)
      for (const host of hosts.values()) {
        if (!host.sidecar) continue
        const report = readSidecarReport(
          await sidecarControl(host, ['counters']).catch((error: Error) => [`(${error.message})`]),
        )
        const counts =
          Object.entries(report.counters ?? {})
            .map(([kind, n]) => `${kind} ${n}`)
            .join(', ') || 'no fault counted'
        console.log(`    ${host.name}: ${counts}; listening ${report.listening?.join(' ') || 'on nothing'}`)
      }
    }
    console.log('live labs stay up until `npm run lab -- down [NAME]`; `npm run lab -- clean` removes them too')
    return 0
  },
})

export default command
