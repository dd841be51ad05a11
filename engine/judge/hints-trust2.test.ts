// Hints for the kinds of programs strangers publish that got none, or the wrong one (trust round 2): a client
// that catches its own error and exits 0, a server that looks for its address through 8.8.8.8, code for an older
// Python, a room whose conversation failed told that "the exchange worked", and Node programs told Python.
import { describe, expect, it } from 'vitest'
import { printedCheck } from './checks.ts'
import { GENERIC_RULES, LAB_PYTHON, conversationFailed, hintsFor } from './hints.ts'
import type { HintEvidence, Language } from '../model/hints.ts'
import type { HostRun, Packet, Scenario } from '../model/scenario.ts'
import { loadCatalog } from '../plan/catalog.ts'

const SERVER = '10.5.0.2'
const CLIENT = '10.5.0.3'
const lines = (...texts: string[]) => texts.map((text, i) => ({ atMs: i, text }))
const host = (over: Partial<HostRun>): HostRun => ({
  host: 'server',
  started: true,
  exitCode: null,
  startedAt: 0,
  elapsedMs: 1000,
  stdout: [],
  stderr: [],
  packets: [],
  ...over,
})
const scenario = (
  proto: 'tcp' | 'udp' = 'tcp',
  expect: Scenario['expect'] = { client: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 } },
) => ({
  hosts: {
    server: { program: proto === 'tcp' ? 'tcp-server' : 'udp-server', listens: 12345 },
    client: { program: 'tcp-client' },
  },
  expect,
})
const packet = (over: Partial<Packet> & Pick<Packet, 'proto' | 'src' | 'dst'>): Packet => ({
  at: 0,
  length: 0,
  ...over,
})
const failedLine = {
  description: printedCheck('client', 'Mensagem do servidor: Bem-vindo ao servidor!'),
  passed: false,
  reason: 'client never printed it',
}
const evidence = (
  server: Partial<HostRun>,
  client: Partial<HostRun>,
  submitted: string[],
  languages?: Record<string, Language>,
  checks = [failedLine],
): HintEvidence => ({
  run: {
    hosts: {
      server: host({ address: SERVER, ...server }),
      client: host({ host: 'client', address: CLIENT, ...client }),
    },
    problems: [],
  },
  checks,
  submitted,
  ...(languages ? { languages } : {}),
})

describe('a client that catches its own error and exits 0', () => {
  const caught = {
    exitCode: 0,
    stdout: lines(...Array.from({ length: 10 }, () => 'Ocorreu um erro: [Errno 111] Connection refused')),
  }

  it('is told that no SYN reached the server, and why: it talked to its own machine', () => {
    const found = hintsFor(scenario(), evidence({ listening: ['0.0.0.0:12345/tcp'] }, caught, ['client']))
    expect(found.map((h) => h.id)).toEqual(['client-wrong-host'])
    expect(found[0].text['pt-BR']).toBe(
      "Nenhum SYN chegou ao servidor, embora o cliente tenha terminado normalmente (imprimiu \"Ocorreu um erro: [Errno 111] Connection refused\") (nada saiu do cliente para a rede: localhost, 127.0.0.1 e socket.gethostname() são a própria máquina do cliente). Conecte a (os.environ.get('LAB_SERVER_HOST', 'server'), 12345).",
    )
    expect(found[0].text.en).toContain('No SYN reached the server, though the client ended cleanly')
  })

  it('is told the port its datagrams went to, for a UDP client that printed "request timed out"', () => {
    const sent = packet({ proto: 'udp', src: CLIENT, dst: SERVER, sport: 40000, dport: 5000 })
    const client = { exitCode: 0, stdout: lines('Request timed out', 'Request timed out'), packets: [sent] }
    const found = hintsFor(
      scenario('udp'),
      evidence({ listening: ['0.0.0.0:12345/udp'], packets: [sent] }, client, ['client']),
    )
    expect(found.map((h) => h.id)).toEqual(['client-wrong-port'])
    expect(found[0].text.en).toBe(
      'The client reached the server, but on port 5000: the server listens on 12345 (the capture shows datagram to server:5000). Use port 12345.',
    )
  })

  it('gets nothing of the kind once its SYN did reach the server (the server is at fault then)', () => {
    const syn = packet({ proto: 'tcp', src: CLIENT, dst: SERVER, sport: 40000, dport: 12345, flags: 'S' })
    expect(
      hintsFor(
        scenario(),
        evidence({ listening: ['0.0.0.0:12345/tcp'], packets: [syn] }, { ...caught, packets: [syn] }, ['client']),
      ).map((h) => h.id),
    ).toEqual([])
  })
})

describe('a server that finds its address by connecting to 8.8.8.8', () => {
  const crash = {
    exitCode: 1,
    stderr: lines(
      'Traceback (most recent call last):',
      '  File "servidor.py", line 4, in <module>',
      "    s.connect(('8.8.8.8', 80))",
      'OSError: [Errno 101] Network is unreachable',
    ),
  }

  it('is told the lab has no way out and that binding needs no address (Python)', () => {
    const found = hintsFor(scenario(), evidence(crash, { exitCode: 1 }, ['server']))
    expect(found.map((h) => h.id)).toEqual(['no-way-out'])
    expect(found[0].text.en).toBe(
      "The lab has no way out of its own network (Network is unreachable): a server needs no address of its own, found by connecting to 8.8.8.8 or another public address. bind(('0.0.0.0', 12345)) listens on every interface with no address at all.",
    )
    expect(found[0].text['pt-BR']).toContain('O lab não tem saída para fora da sua rede (Network is unreachable)')
  })

  it('in Node (dgram): socket.bind(12345)', () => {
    const node = {
      exitCode: 1,
      stderr: lines('Error: connect ENETUNREACH 8.8.8.8:80', '    at doConnect (node:dgram:392:18)'),
    }
    const found = hintsFor(scenario('udp'), evidence(node, {}, ['server'], { server: 'node' }))
    expect(found[0].text.en).toContain('socket.bind(12345) listens on every interface')
  })
})

describe('code for an older Python', () => {
  it("names asyncio's removed loop= argument and the lab's Python, not the bare crash", () => {
    const crash = {
      exitCode: 1,
      stderr: lines(
        'Traceback (most recent call last):',
        "TypeError: start_server() got an unexpected keyword argument 'loop'",
      ),
    }
    const found = hintsFor(scenario(), evidence(crash, { exitCode: 1 }, ['server']))
    expect(found.map((h) => h.id)).toEqual(['old-python'])
    expect(found[0].text.en).toBe(
      `Your program uses asyncio's loop= argument (removed in Python 3.10), but the lab runs Python ${LAB_PYTHON}: write it without (see Python ${LAB_PYTHON}'s documentation).`,
    )
    expect(found[0].text['pt-BR']).toBe(
      `Seu programa usa o argumento loop= do asyncio (removido no Python 3.10), mas o lab roda Python ${LAB_PYTHON}: escreva sem ele (veja a documentação do Python ${LAB_PYTHON}).`,
    )
  })

  it.each([
    ["AttributeError: module 'asyncio' has no attribute 'coroutine'", '@asyncio.coroutine (removed in Python 3.11)'],
    ["ModuleNotFoundError: No module named 'asyncore'", 'asyncore/asynchat (removed in Python 3.12)'],
    ["AttributeError: module 'time' has no attribute 'clock'", 'time.clock() (removed in Python 3.8)'],
  ])('names %s', (error, named) => {
    expect(hintsFor(scenario(), evidence({ exitCode: 1, stderr: lines(error) }, {}, ['server']))[0].text.en).toContain(
      named,
    )
  })
})

describe('Node programs get Node advice', () => {
  it("a Node server bound to localhost: server.listen(12345, '0.0.0.0')", () => {
    const found = hintsFor(
      scenario(),
      evidence({ listening: ['127.0.0.1:12345/tcp'] }, { exitCode: 1 }, ['server'], { server: 'node' }),
    )
    expect(found[0].text.en).toBe(
      "The server listens on localhost (127.0.0.1) only, so clients on other hosts are refused: server.listen(12345, '0.0.0.0') instead.",
    )
  })

  it('a Node UDP server bound to localhost: socket.bind(12345)', () => {
    expect(
      hintsFor(scenario('udp'), evidence({ listening: ['127.0.0.1:12345/udp'] }, {}, ['server'], { server: 'node' }))[0]
        .text.en,
    ).toContain('Use socket.bind(12345).')
  })

  it('a Node client on its own machine: process.env.LAB_SERVER_HOST and os.hostname()', () => {
    const found = hintsFor(
      scenario(),
      evidence(
        { listening: ['0.0.0.0:12345/tcp'] },
        { exitCode: 1, stderr: lines('Error: connect ECONNREFUSED 127.0.0.1:12345') },
        ['client'],
        { client: 'node' },
      ),
    )
    expect(found[0].text.en).toBe(
      "No SYN reached the server (nothing left the client: localhost, 127.0.0.1 and os.hostname() are the client's own machine). Connect to { host: process.env.LAB_SERVER_HOST ?? 'server', port: 12345 }.",
    )
  })

  it('a Node program printing a Buffer: toString, not decode', () => {
    const found = hintsFor(
      scenario(),
      evidence(
        {},
        { exitCode: 0, stdout: lines('Mensagem do servidor: <Buffer 42 65 6d 2d 76 69 6e 64 6f>') },
        ['client'],
        { client: 'node' },
      ),
    )
    expect(found.map((h) => h.id)).toContain('decode')
    expect(found.find((h) => h.id === 'decode')!.text.en).toContain("data.toString('utf8')")
  })

  it('no generic rule gives Node code to a Python program, nor Python code to a Node one', () => {
    const cases: [Partial<HostRun>, Partial<HostRun>, string[]][] = [
      [{ listening: ['127.0.0.1:12345/tcp'] }, { exitCode: 1 }, ['server']],
      [
        { listening: ['0.0.0.0:12345/tcp'] },
        { exitCode: 1, stderr: lines('ConnectionRefusedError: [Errno 111] Connection refused') },
        ['client'],
      ],
    ]
    for (const [server, client, submitted] of cases) {
      const python = hintsFor(scenario(), evidence(server, client, submitted))
        .map((h) => h.text.en)
        .join('\n')
      const node = hintsFor(scenario(), evidence(server, client, submitted, { [submitted[0]]: 'node' }))
        .map((h) => h.text.en)
        .join('\n')
      expect(python).not.toMatch(/process\.env|os\.hostname|\.listen\(/)
      expect(node).not.toMatch(/os\.environ|gethostname|bind\(\(/)
    }
  })
})

describe('"the exchange worked"', () => {
  const relay = { exitCode: 0, stdout: lines('Servidor da sala pronto na porta 12345') }
  const room: HintEvidence['scenario'] = {
    hosts: { server: { listens: 12345 }, alice: {} },
    expect: { server: { prints: ['Sala aberta na porta 12345'] } },
  }
  const conversation = {
    description: 'alice got every message of bob and carol, in order',
    passed: false,
    reason: 'alice got none',
  }

  it('is never said when a check about the conversation failed (a room that relays raw lines)', () => {
    const e: HintEvidence = {
      run: {
        hosts: { server: host({ ...relay, exitCode: null }), alice: host({ host: 'alice', exitCode: 0 }) },
        problems: [],
      },
      checks: [
        {
          description: printedCheck('server', 'Sala aberta na porta 12345'),
          passed: false,
          reason: 'never printed it',
        },
        conversation,
      ],
      submitted: ['server'],
    }
    expect(conversationFailed({ ...e, scenario: room })).toBe(true)
    expect(hintsFor(room, e).map((h) => h.id)).not.toContain('wrong-text')
    // The same run whose only failure is the line's text is told that it talked.
    expect(hintsFor(room, { ...e, checks: [e.checks[0]] }).map((h) => h.id)).toEqual(['wrong-text'])
  })

  it("is claimed by the rules that say so, and by no other rule: generic ones and every scenario's own", async () => {
    const catalog = await loadCatalog()
    expect(catalog.length).toBeGreaterThanOrEqual(25)
    const rules = [...GENERIC_RULES, ...catalog.flatMap((s) => s.hints ?? [])]
    const claims = rules.filter((rule) => rule.claimsExchange).map((rule) => rule.id)
    expect(claims).toEqual(['wrong-text'])
    // Whatever a rule without the claim says, over evidence where conversations failed, it never says the exchange worked.
    const runs = [
      evidence({ listening: ['127.0.0.1:12345/tcp'] }, { exitCode: 1 }, ['server']),
      evidence({ exitCode: 1, stderr: lines('OSError: [Errno 101] Network is unreachable') }, {}, ['server']),
      evidence({}, { exitCode: 0, stdout: lines("b'Bem-vindo'") }, ['client']),
      evidence({ outputCut: true }, {}, ['server']),
    ]
    for (const rule of rules.filter((r) => !r.claimsExchange)) {
      for (const run of runs) {
        const found = rule.match({
          ...run,
          scenario: { hosts: { server: { listens: 12345 }, client: {} }, expect: scenario().expect },
        })
        const text = found === undefined ? '' : JSON.stringify(found)
        expect(text, rule.id).not.toMatch(/worked|funcionou/i)
      }
    }
  })
})
