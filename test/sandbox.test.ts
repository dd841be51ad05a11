// Hostile and unusual submissions against the sandbox of a program container: real containers, each attack
// asserting that nothing got through.
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { waitFor } from './lab-process.ts'
import type { Scenario } from '../engine/model/scenario.ts'

const catalog = await loadCatalog()
const [tcpBasic, udpBasic, multiClient] = selectScenarios(catalog, ['tcp-basic', 'udp-basic', 'multi-client'])
const image = inject('labImage')
const submission = (name: string) => path.join(ROOT, 'test/fixtures/submissions', name)
const grade = (scenario: Scenario, server: string, deadlineMs = scenario.deadlineMs) =>
  runScenario({ ...scenario, deadlineMs }, { image, submissions: { server: submission(server) } })
type Result = Awaited<ReturnType<typeof grade>>
const failedChecks = (result: Result) =>
  Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))
const printed = (result: Result, stream: 'stdout' | 'stderr' = 'stdout') =>
  result.run.hosts.server[stream].map((l) => l.text)
const bytesPrinted = (result: Result) => printed(result).reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0)
/** Containers, networks and volumes of a run's project still present. */
const leftOf = async (result: Result) =>
  (
    await Promise.all(
      ['ps -aq', 'network ls -q', 'volume ls -q'].map(
        (command) =>
          $({ quiet: true })`docker ${command.split(' ')} --filter label=com.docker.compose.project=${result.project}`,
      ),
    )
  )
    .map((r) => r.stdout)
    .join('')

describe.concurrent('dual stack servers', { timeout: 90_000 }, () => {
  it('passes a Node server that listens with no host (on ::)', async () => {
    const result = await grade(tcpBasic, 'servidor-sem-host.mjs')
    expect(failedChecks(result)).toEqual({})
    expect(result.run.hosts.server.listening).toContain('[::]:12345/tcp')
  })

  it('passes a Python dual stack server', async () => {
    const result = await grade(tcpBasic, 'servidor-dualstack.py')
    expect(failedChecks(result)).toEqual({})
    expect(result.run.hosts.server.listening).toContain('[::]:12345/tcp')
  })

  it('passes a UDP server bound to :: with IPV6_V6ONLY off', async () => {
    const result = await grade(udpBasic, 'servidor-udp-ipv6.py')
    expect(failedChecks(result)).toEqual({})
    expect(result.run.hosts.server.listening).toContain('[::]:12345/udp')
    expect(result.run.hosts.server.stdout.map((l) => l.text).join('\n')).toMatch(
      /Mensagem recebida de \('::ffff:[\d.]+', \d+, 0, 0\): Olá, servidor UDP!/,
    )
  })

  it("passes a Node UDP server on :: that prints the sender as ('::ffff:a.b.c.d', port)", async () => {
    const result = await grade(udpBasic, 'servidor-udp-dualstack.mjs')
    expect(result.run.hosts.server.stdout.map((l) => l.text).join('\n')).toMatch(
      /Mensagem recebida de \('::ffff:[\d.]+', \d+\): Olá, servidor UDP!/,
    )
    expect(failedChecks(result)).toEqual({})
  })

  it('passes multi-client with a dual stack server, whose log names each client as ::ffff:a.b.c.d', async () => {
    const result = await grade(multiClient, 'servidor-dualstack.py')
    expect(result.run.hosts.server.stdout.map((l) => l.text).join('\n')).toMatch(
      /Conexão estabelecida com \('::ffff:[\d.]+', \d+, 0, 0\)/,
    )
    expect(failedChecks(result)).toEqual({})
  })
})

describe('the output limit', { timeout: 120_000 }, () => {
  it("cannot be bypassed through another process's stdout, its own by another name, or forked writers", async () => {
    const rssBefore = process.memoryUsage().rss
    const [proc1, self, fork] = await Promise.all(
      ['servidor-flood-proc1.py', 'servidor-flood-self.py', 'servidor-flood-fork.py'].map((name) =>
        grade(tcpBasic, name),
      ),
    )
    // PID 1 and the limiter run as root: the program (uid lab) cannot open their descriptors
    expect(printed(proc1, 'stderr')).toEqual(
      expect.arrayContaining([
        '/proc/1/fd/1: Permission denied',
        expect.stringMatching(/^\/proc\/\d+\/fd\/1: Permission denied$/),
      ]),
    )
    expect(bytesPrinted(proc1)).toBe(0)
    for (const result of [self, fork]) {
      expect(result.run.hosts.server.outputCut).toBe(true)
      expect(result.hints.map((h) => h.id)).toEqual(['output-flood'])
      expect(bytesPrinted(result)).toBeLessThanOrEqual(1024 * 1024 + 1)
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024)
    for (const result of [proc1, self, fork]) expect(await leftOf(result)).toBe('')
  })
})

describe.concurrent('the program container', { timeout: 90_000 }, () => {
  it('runs the program as lab with no capabilities: it cannot take the link down, become root or chroot', async () => {
    const result = await grade(tcpBasic, 'servidor-privilegios.py')
    expect(result.run.hosts.server.exitCode).toBe(4)
    const lines = printed(result)
    expect(lines).toEqual(
      expect.arrayContaining([
        'uid 10001 gid 10001 groups [10001]',
        'CapPrm 0000000000000000',
        'CapEff 0000000000000000',
        'CapInh 0000000000000000',
        'CapBnd 0000000000000000',
        'CapAmb 0000000000000000',
        'NoNewPrivs 1',
        'setuid(0): Operation not permitted',
        'chroot: Operation not permitted',
      ]),
    )
    expect(lines.find((l) => l.startsWith('ip link set eth0 down:'))).toMatch(
      /^ip link set eth0 down: 2 RTNETLINK answers: Operation not permitted$/,
    )
  })

  it('hides the reference solutions from a submission', async () => {
    const result = await grade(tcpBasic, 'servidor-copia.py')
    expect(result.status).toBe('failed')
    expect(failedChecks(result)['server kept serving until the end']).toMatch(
      /^exited with code 1 after [\d.]+ m?s: FileNotFoundError: \[Errno 2\] No such file or directory: '\/opt\/lab\/programs\/python\/tcp-server.py'$/,
    )
  })

  it('gives /tmp a size: filling it is ENOSPC, not an out-of-memory kill', async () => {
    const result = await grade(tcpBasic, 'servidor-tmp-cheio.py')
    expect(result.run.hosts.server.exitCode).toBe(5)
    expect(printed(result)).toEqual(['/tmp full after 16 MiB: ENOSPC'])
  })

  it('ends a program when its main process exits, even if a detached child still holds its stdout', async () => {
    const result = await grade(tcpBasic, 'servidor-filho-detached.py')
    expect(result.run.hosts.server.exitCode).toBe(3)
    // ended by its own exit (code 3), well before the deadline that a stdout held open would have run into
    expect(result.run.hosts.server.elapsedMs).toBeLessThan(tcpBasic.deadlineMs / 2)
    expect(failedChecks(result)['server kept serving until the end']).toMatch(/^exited with code 3 after [\d.]+ m?s/)
  })
})

describe('captures', { timeout: 120_000 }, () => {
  it('stop at 100000 packets, which is a cap and not a loss', async () => {
    const result = await grade({ ...udpBasic, deadlineMs: 30_000 }, 'servidor-udp-rajada.py')
    // the capture stops at 100 000 packets; the first 50 000 are decoded, and both caps are said
    expect(result.run.hosts.server.packets).toHaveLength(50_000)
    expect(result.run.notes).toEqual(
      expect.arrayContaining([
        "50000 packets of server's capture were not decoded: the checks read the first 50000",
        'the capture of server stopped at its cap (100000 packets)',
      ]),
    )
    expect(result.run.problems.filter((p) => p.kind === 'capture')).toEqual([])
    expect(await leftOf(result)).toBe('')
  })
})

describe('a Node program held while the lab waits (lab-run, lab-hold.mjs)', { timeout: 90_000 }, () => {
  // A program container as the lab makes one, with no network, told to wait for a go flag; NET_ADMIN (which the
  // program drops with the rest) lets the test add the link a sidecar adds once the host's network is ready.
  const PROGRAM =
    "let fd3 = 'open'; try { require('node:fs').fstatSync(3) } catch { fd3 = 'closed' }; console.log('ran', fd3, String(process.env.NODE_OPTIONS).includes('lab-hold'), process.env.LAB_HOLD_FD)"
  const held = async (name: string) => {
    const container = `socket-lab-test-held-${name}-${process.pid}`
    await $`docker run -d --name ${container} --label socket-lab.test=held --network none --init --user root --cap-drop ALL --cap-add SETUID --cap-add SETGID --cap-add SETPCAP --cap-add NET_ADMIN --security-opt no-new-privileges:true --read-only --tmpfs /tmp:mode=1777 -e LAB_GO=token -e LAB_GO_FLAG=/tmp/go --entrypoint lab-run ${image} node -e ${PROGRAM}`
    await $`docker exec ${container} ip link add lab-ready type veth peer name lab-ready-peer`
    // Node is up, as the program's user, while the waiter (root) waits
    await waitFor(
      'the held program',
      async () =>
        /\b(lab|10001)\s+node --no-memory-reducer -e/.test((await $`docker top ${container} -o pid,user,args`).stdout),
      20_000,
    )
    return container
  }
  const logs = async (container: string) => {
    const { stdout, stderr } = await $`docker logs ${container}`
    return stdout + stderr
  }

  it('runs none of its code before the go, then runs with no trace of the hold', async () => {
    const container = await held('go')
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(await logs(container)).not.toMatch(/ran|lab-run: start/)
      await $`docker exec ${container} sh -c ${'echo token > /tmp/go'}`
      expect((await $`docker wait ${container}`).stdout.trim()).toBe('0')
      const { stdout, stderr } = await $`docker logs ${container}`
      expect(stdout).toBe('ran closed false undefined\n')
      expect(stderr).toMatch(/^lab-run: cleared\nlab-run: start node -e /)
    } finally {
      await $`docker rm -f ${container}`.nothrow()
    }
  })

  it('exits 125 without running when its waiter is gone', async () => {
    const container = await held('gone')
    try {
      await $`docker exec ${container} pkill -KILL -f lab-run`
      expect((await $`docker wait ${container}`).stdout.trim()).toBe('125')
      expect(await logs(container)).not.toMatch(/ran/)
    } finally {
      await $`docker rm -f ${container}`.nothrow()
    }
  })
})
