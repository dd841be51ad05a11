// mtu-fragmentation: a 1280-byte MTU on the path, in both implementations (Python sets DF and gets EMSGSIZE; Node
// cannot set DF, the kernel's path-MTU discovery does, and it resends in fragments); with the path's MTU left at
// 1500 nothing is fragmented for it, no ICMP comes back, and the MSS stays 1460.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [mtu] = selectScenarios(await loadCatalog(), ['mtu-fragmentation'])
const image = inject('labImage')
const FRAGMENTED = "client's 3000-byte datagram crossed the 1280-byte MTU link in IP fragments and arrived whole"
const REFUSED = "client's 1400-byte datagram with Don't Fragment was refused: ICMP fragmentation needed came back"
const MSS = 'TCP announced an MSS of 1240 from the 1280-byte MTU side, and sent no fragment'
const told = {
  python: /^Com DF: EMSGSIZE \(Message too long\); MTU do caminho: 1280$/,
  ts: /^Reenviado: Recebidos 1400 bytes$/,
}

describe('mtu-fragmentation', { timeout: 180_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(mtu, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.checks.find((c) => c.description === FRAGMENTED)?.reason).toMatch(
      /^it left client in 3 fragments \(offsets 0, 1480, 2960\) and reached server in 3 \(offsets 0, 1256, 2512\)/,
    )
    expect(result.run.hosts.client.stdout.map((line) => line.text)).toContainEqual(expect.stringMatching(told[impl]))
  })

  it('fails when the path keeps an MTU of 1500: nothing is cut for 1280, no ICMP, MSS 1460', async () => {
    const wide = { ...mtu, networks: { lan: {}, narrow: {} } }
    const result = await runScenario(wide, { image })
    expect(result.status).toBe('failed')
    expect(failedChecks(result.checks)).toEqual({
      [FRAGMENTED]: expect.stringMatching(
        /reached server in 3 \(offsets 0, 1480, 2960\).*: no fragment was cut for the 1280-byte MTU$/,
      ),
      [REFUSED]: '1 sent with DF, 1 seen at server; no ICMP 3/4 in its capture',
      [MSS]: "SYN announced MSS 1460, SYN-ACK 1460; 0 TCP fragments in sender's capture",
    })
  })
})
