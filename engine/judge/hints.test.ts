import { describe, expect, it } from 'vitest'
import { printedCheck } from './checks.ts'
import { hintsFor } from './hints.ts'
import { closestLine } from './hint-evidence.ts'
import { langFromEnv, type HintEvidence } from '../model/hints.ts'
import type { HostRun, Packet, Scenario } from '../model/scenario.ts'
import chatPersistent from '../../scenarios/chat-persistent.ts'
import tcpBasic from '../../scenarios/tcp-basic.ts'

const host = (over: Partial<HostRun>): HostRun => ({
  host: 'server',
  started: true,
  exitCode: null,
  startedAt: 0,
  elapsedMs: 1000,
  stdout: [],
  stderr: [],
  ...over,
})
const failed = [{ description: 'x', passed: false, reason: 'x' }]
const evidence = (server: Partial<HostRun>): HintEvidence => ({
  run: { hosts: { server: host(server) }, problems: [] },
  checks: failed,
  submitted: ['server'],
})
const hintOf = (server: Partial<HostRun>) => hintsFor({}, evidence(server)).map((h) => h.id)
const lines = (...texts: string[]) => texts.map((text, i) => ({ atMs: i, text }))

describe('hintsFor', () => {
  it('names a server bound to localhost from the sockets it listens on', () => {
    expect(hintOf({ listening: ['127.0.0.11:39461/tcp', '127.0.0.1:12345/tcp'] })).toEqual(['bound-to-localhost'])
    expect(hintOf({ listening: ['[::1]:12345/tcp'] })).toEqual(['bound-to-localhost'])
    expect(hintOf({ listening: ['0.0.0.0:12345/tcp'] })).toEqual([])
    expect(hintOf({ listening: ['[::]:12345/tcp'] })).toEqual([])
  })

  it("names the wrong port, ignoring Docker's own resolver", () => {
    const [hint] = hintsFor({}, evidence({ listening: ['127.0.0.11:39461/tcp', '0.0.0.0:5000/tcp'] }))
    expect(hint.text.en).toBe('The server listens on port 5000, but the exercise uses port 12345 (LAB_PORT).')
  })

  it('prefers the most specific mistake: a syntax error over a crash', () => {
    expect(hintOf({ exitCode: 1, stderr: lines("SyntaxError: expected ':'") })).toEqual(['syntax-error'])
    expect(hintOf({ exitCode: 1, stderr: lines('ZeroDivisionError: division by zero') })).toEqual(['crashed'])
  })

  it('names a forgotten encode or decode', () => {
    expect(hintOf({ exitCode: 1, stderr: lines("TypeError: a bytes-like object is required, not 'str'") })).toEqual([
      'encode',
    ])
    expect(hintOf({ stdout: lines("Mensagem recebida do cliente: b'Ol\\xc3\\xa1'") })).toEqual(['decode'])
  })

  it("shows the basics before the scenario's own hints, and says nothing when every check passed or nothing was submitted", () => {
    const rule = { id: 'own', match: () => ({ 'pt-BR': 'x', en: 'x' }) }
    expect(hintsFor({ hints: [rule] }, evidence({ outputCut: true })).map((h) => h.id)).toEqual(['output-flood', 'own'])
    expect(hintsFor({ hints: [rule] }, evidence({ stdout: lines("b'x'") })).map((h) => h.id)).toEqual(['own', 'decode'])
    expect(hintsFor({}, { ...evidence({ outputCut: true }), checks: [] })).toEqual([])
    expect(hintsFor({}, { ...evidence({ outputCut: true }), submitted: [] })).toEqual([])
  })
})

// A lab of two hosts as the scenarios declare them: the server listens on `port`, the client connects to it.
const SERVER = '10.5.0.2'
const CLIENT = '10.5.0.3'
const labScenario = (port = 12345, expect: Scenario['expect'] = { client: { exit: 0 } }) => ({
  hosts: { server: { program: 'tcp-server', listens: port }, client: { program: 'tcp-client' } },
  expect,
})
const packet = (over: Partial<Packet> & Pick<Packet, 'proto' | 'src' | 'dst'>): Packet => ({
  at: 0,
  length: 0,
  ...over,
})
const syn = (dport: number, dst = SERVER) => packet({ proto: 'tcp', src: CLIENT, dst, sport: 40000, dport, flags: 'S' })
const lab = (server: Partial<HostRun>, client: Partial<HostRun>, submitted: string[]): HintEvidence => ({
  run: {
    hosts: {
      server: host({ address: SERVER, packets: [], ...server }),
      client: host({ host: 'client', address: CLIENT, packets: [], ...client }),
    },
    problems: [],
  },
  checks: failed,
  submitted,
})
const hints = (e: HintEvidence, scenario: Parameters<typeof hintsFor>[0] = labScenario()) => hintsFor(scenario, e)
const REFUSED = { exitCode: 1, stderr: lines('ConnectionRefusedError: [Errno 111] Connection refused') }

describe('clients aimed at the wrong place', () => {
  it('tells a client that connected to itself (localhost, gethostname) that no SYN reached the server', () => {
    const found = hints(lab({ listening: ['0.0.0.0:12345/tcp'] }, REFUSED, ['client']))
    expect(found.map((h) => h.id)).toEqual(['client-wrong-host'])
    expect(found[0].text.en).toBe(
      "No SYN reached the server (nothing left the client: localhost, 127.0.0.1 and socket.gethostname() are the client's own machine). Connect to (os.environ.get('LAB_SERVER_HOST', 'server'), 12345).",
    )
    expect(found[0].text['pt-BR']).toContain('Nenhum SYN chegou ao servidor')
  })

  it('names the other address a client tried, from its capture (an ARP nobody answered)', () => {
    const arp = packet({ proto: 'arp', src: CLIENT, dst: '10.5.0.99', flags: 'request' })
    const found = hints(
      lab(
        { listening: ['0.0.0.0:12345/tcp'] },
        { exitCode: 1, stderr: lines('OSError: [Errno 113] No route to host'), packets: [arp] },
        ['client'],
      ),
    )
    expect(found[0].text.en).toContain('the client tried 10.5.0.99, which is not the server')
  })

  it('names a server name the lab has not, and an address outside the lab', () => {
    const name = hints(
      lab(
        { listening: ['0.0.0.0:12345/tcp'] },
        { exitCode: 1, stderr: lines('socket.gaierror: [Errno -2] Name or service not known') },
        ['client'],
      ),
    )
    expect(name[0].text.en).toBe(
      "No SYN reached the server (the name the client used does not exist in the lab). Connect to (os.environ.get('LAB_SERVER_HOST', 'server'), 12345).",
    )
    const outside = hints(
      lab(
        { listening: ['0.0.0.0:12345/tcp'] },
        { exitCode: 1, stderr: lines('OSError: [Errno 101] Network is unreachable') },
        ['client'],
      ),
    )
    expect(outside[0].text['pt-BR']).toBe(
      "Nenhum SYN chegou ao servidor (o endereço que o cliente usou fica fora da rede do lab). Conecte a (os.environ.get('LAB_SERVER_HOST', 'server'), 12345).",
    )
  })

  it("blames nobody in the client when it asked for the server's own address and the lab cut it off (host-unreachable)", () => {
    const arp = packet({ proto: 'arp', src: CLIENT, dst: SERVER, flags: 'request' })
    const cut = lab(
      { listening: ['0.0.0.0:12345/tcp'] },
      { exitCode: 1, stderr: lines('OSError: [Errno 113] No route to host'), packets: [arp] },
      ['client'],
    )
    expect(hints(cut).map((h) => h.id)).toEqual(['crashed'])
  })

  it("tells the wrong port from the wrong host by the SYN the server saw, with the scenario's port", () => {
    // The client asks ARP for the server's address first, as any first contact does.
    const arp = packet({ proto: 'arp', src: CLIENT, dst: SERVER, flags: 'request' })
    const rst = packet({ proto: 'tcp', src: SERVER, dst: CLIENT, sport: 5000, dport: 40000, flags: 'R.' })
    const found = hints(
      lab({ listening: ['0.0.0.0:2000/tcp'], packets: [arp, syn(5000), rst] }, { ...REFUSED, packets: [arp] }, [
        'client',
      ]),
      labScenario(2000),
    )
    expect(found.map((h) => h.id)).toEqual(['client-wrong-port'])
    expect(found[0].text.en).toBe(
      'The client reached the server, but on port 5000: the server listens on 2000 (the capture shows SYN to server:5000). Use port 2000.',
    )
  })

  it("blames nobody in the client when its SYN reached the server's port (the server refused it)", () => {
    const found = hints(
      lab({ listening: ['127.0.0.1:12345/tcp'], packets: [syn(12345)] }, REFUSED, ['client', 'server']),
    )
    expect(found.map((h) => h.id)).toEqual(['bound-to-localhost'])
  })
})

describe('UDP', () => {
  const udpScenario = labScenario()
  const datagram = (src: string, dst: string, sport: number, dport: number, text: string) =>
    packet({ proto: 'udp', src, dst, sport, dport, length: Buffer.byteLength(text), payload: Buffer.from(text) })

  it('names a UDP server on another port, or bound to localhost with the ICMP port-unreachable it sent', () => {
    expect(hints(lab({ listening: ['0.0.0.0:5000/udp'] }, {}, ['server']), udpScenario)[0].text.en).toBe(
      'The server listens on port 5000, but the exercise uses port 12345 (LAB_PORT).',
    )
    const icmp = packet({ proto: 'icmp', src: SERVER, dst: CLIENT, icmp: { type: 3, code: 3 } })
    const found = hints(
      lab({ listening: ['127.0.0.1:12345/udp'], packets: [datagram(CLIENT, SERVER, 40000, 12345, 'Olá'), icmp] }, {}, [
        'server',
      ]),
      udpScenario,
    )
    expect(found.map((h) => h.id)).toEqual(['bound-to-localhost'])
    expect(found[0].text.en).toContain('answered with ICMP "port unreachable" (1 in the capture)')
  })

  it('names a server that got the datagram and never answered, unless the lab dropped it', () => {
    const asked = datagram(CLIENT, SERVER, 40000, 12345, 'Olá, servidor UDP!')
    const found = hints(lab({ listening: ['0.0.0.0:12345/udp'], packets: [asked] }, {}, ['server']), udpScenario)
    expect(found.map((h) => h.id)).toEqual(['udp-no-reply'])
    expect(found[0].text['pt-BR']).toMatch(/^O servidor recebeu 1 datagrama\(s\) e não respondeu/)
    const answered = datagram(SERVER, CLIENT, 12345, 40000, 'Mensagem recebida!')
    expect(
      hints(lab({ listening: ['0.0.0.0:12345/udp'], packets: [asked, answered] }, {}, ['server']), udpScenario),
    ).toEqual([])
    expect(
      hints(
        lab({ listening: ['0.0.0.0:12345/udp'], packets: [asked], faultCounters: { loss: 1 } }, {}, ['server']),
        udpScenario,
      ),
    ).toEqual([])
  })

  it('names a client that sent to localhost and waits forever in recvfrom', () => {
    const found = hints(
      lab({ listening: ['0.0.0.0:12345/udp'] }, { listening: ['0.0.0.0:43000/udp'] }, ['client']),
      udpScenario,
    )
    expect(found.map((h) => h.id)).toEqual(['client-wrong-host'])
    expect(found[0].text.en).toMatch(/^No datagram reached the server \(nothing left the client/)
  })

  it('names the datagrams the lab dropped when the client waits forever', () => {
    const asked = datagram(CLIENT, SERVER, 40000, 12345, 'x')
    const found = hints(
      lab({ listening: ['0.0.0.0:12345/udp'], packets: [asked], faultCounters: { loss: 3 } }, {}, ['client']),
      udpScenario,
    )
    expect(found.map((h) => h.id)).toEqual(['udp-lost'])
    expect(found[0].text.en).toContain(
      'The lab dropped 3 packet(s), and UDP neither resends nor tells: client kept waiting in recvfrom() forever.',
    )
  })
})

describe('the protocol', () => {
  const handshake = [
    syn(12345),
    packet({ proto: 'tcp', src: SERVER, dst: CLIENT, sport: 12345, dport: 40000, flags: 'S.' }),
    packet({ proto: 'tcp', src: CLIENT, dst: SERVER, sport: 40000, dport: 12345, flags: '.' }),
  ]

  it('says who speaks first when both sides wait in recv() on an open connection', () => {
    const waiting = lab({ listening: ['0.0.0.0:12345/tcp'], packets: handshake }, {}, ['server'])
    expect(hints(waiting).map((h) => h.id)).toEqual(['both-waiting'])
    expect(hintsFor(tcpBasic, waiting).map((h) => h.id)).toEqual(['no-welcome'])
    expect(hintsFor(tcpBasic, waiting)[0].text.en).toContain('in this protocol the server speaks first')
    const chat = chatPersistent.define(chatPersistent.params)
    expect(hintsFor(chat, { ...waiting, submitted: ['client'] }).map((h) => h.id)).toEqual(['client-speaks-first'])
    const talked = [
      ...handshake,
      packet({ proto: 'tcp', src: SERVER, dst: CLIENT, sport: 12345, dport: 40000, flags: 'P.', length: 5 }),
    ]
    expect(hints(lab({ listening: ['0.0.0.0:12345/tcp'], packets: talked }, {}, ['server']))).toEqual([])
  })

  it('shows the expected line beside the closest one printed, and what the other side received', () => {
    const scenario = labScenario(12345, { client: { prints: ['Resposta do servidor: Mensagem recebida!'], exit: 0 } })
    const reply = packet({
      proto: 'udp',
      src: SERVER,
      dst: CLIENT,
      sport: 12345,
      dport: 40000,
      length: 18,
      payload: Buffer.from('Hello, UDP Client!'),
    })
    // Only the line's check failed: the exchange itself did work.
    const onlyText = (line: string, who = 'client') => [
      { description: printedCheck(who, line), passed: false, reason: 'never printed it' },
    ]
    const e = {
      ...lab(
        { listening: ['0.0.0.0:12345/udp'] },
        { exitCode: 0, stdout: lines('Resposta do servidor: Hello, UDP Client!'), packets: [reply] },
        ['server'],
      ),
      checks: onlyText('Resposta do servidor: Mensagem recebida!'),
    }
    const found = hints(e, scenario)
    expect(found.map((h) => h.id)).toEqual(['wrong-text'])
    expect(found[0].text.en).toBe(
      'The exchange worked, but the text is not the expected one: client should print "Resposta do servidor: Mensagem recebida!" and printed "Resposta do servidor: Hello, UDP Client!"; it received "Hello, UDP Client!" from your program.',
    )
    const own = labScenario(12345, { server: { prints: ['Cliente: Mensagem 1'], exit: 0 } })
    expect(
      hints(
        {
          ...lab({ exitCode: 0, stdout: lines('Recebido: Mensagem 1') }, { exitCode: 0 }, ['server']),
          checks: onlyText('Cliente: Mensagem 1', 'server'),
        },
        own,
      )[0].text['pt-BR'],
    ).toBe(
      'A comunicação funcionou, mas o texto não é o esperado: seu programa (server) deveria imprimir "Cliente: Mensagem 1" e imprimiu "Recebido: Mensagem 1".',
    )
  })
})

describe('a chat server bound to localhost (chat-persistent)', () => {
  const chat = chatPersistent.define(chatPersistent.params)

  it('is told about localhost, not about leaving its loop: the client was refused, it never closed', () => {
    const refused = lab({ listening: ['127.0.0.1:12345/tcp'], packets: [syn(12345)] }, REFUSED, ['server'])
    expect(hintsFor(chat, refused).map((h) => h.id)).toEqual(['bound-to-localhost'])
  })

  it('is told about its loop when the client did close', () => {
    const fin = packet({ proto: 'tcp', src: CLIENT, dst: SERVER, sport: 40000, dport: 12345, flags: 'F.' })
    const closed = lab({ listening: ['0.0.0.0:12345/tcp'], packets: [syn(12345), fin] }, { exitCode: 0 }, ['server'])
    expect(hintsFor(chat, closed).map((h) => h.id)).toEqual(['never-closed'])
  })
})

describe('programs that cannot run in the lab', () => {
  it('tells input() that nobody types, with the server and port to use', () => {
    const found = hints(
      lab(
        {},
        { exitCode: 1, stderr: lines('Traceback (most recent call last):', 'EOFError: EOF when reading a line') },
        ['client'],
      ),
      labScenario(2000),
    )
    expect(found.map((h) => h.id)).toEqual(['input'])
    expect(found[0].text.en).toBe(
      "Your program called input(), but nobody types in the lab (EOFError). Use fixed values: the server is 'server' (os.environ['LAB_SERVER_HOST']), port 2000.",
    )
  })

  it('says Python 2, not just syntax error', () => {
    const print = hints(
      lab(
        { exitCode: 1, stderr: lines("SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?") },
        {},
        ['server'],
      ),
    )
    expect(print.map((h) => h.id)).toEqual(['python2'])
    expect(print[0].text['pt-BR']).toBe(
      'Seu programa está escrito em Python 2 (print sem parênteses; escreva print(...)), mas o lab roda Python 3.',
    )
    const rawInput = hints(
      lab({}, { exitCode: 1, stderr: lines("NameError: name 'raw_input' is not defined") }, ['client']),
    )
    expect(rawInput[0].text.en).toBe(
      'Your program is written in Python 2 (raw_input() does not exist in Python 3), but the lab runs Python 3.',
    )
  })

  it('shows every mistake at once, most basic first: the port, then localhost', () => {
    expect(hints(lab({ listening: ['127.0.0.1:5000/tcp'] }, {}, ['server'])).map((h) => h.id)).toEqual([
      'wrong-port',
      'bound-to-localhost',
    ])
  })
})

describe('reading the evidence', () => {
  it('reads IPv6 and dual-stack listeners like IPv4 ones', () => {
    const ids = (listening: string[]) => hints(lab({ listening }, {}, ['server'])).map((h) => h.id)
    expect(ids(['[::1]:12345/tcp'])).toContain('bound-to-localhost')
    expect(ids(['[::ffff:127.0.0.1]:12345/tcp'])).toContain('bound-to-localhost')
    expect(ids(['[::]:12345/tcp'])).not.toContain('bound-to-localhost')
    expect(ids(['127.0.0.11:39461/tcp', '[::]:5000/tcp'])).toContain('wrong-port')
    expect(ids(['[::]:5000/tcp', '[::]:12345/tcp'])).not.toContain('wrong-port')
  })

  it('finds the closest printed line, and none when nothing is alike', () => {
    expect(closestLine('Cliente: Mensagem 1', ['Servidor esperando por conexões...', 'Recebido: Mensagem 1'])).toBe(
      'Recebido: Mensagem 1',
    )
    expect(closestLine('Cliente: Mensagem 1', ['Servidor esperando por conexões...'])).toBeUndefined()
  })
})

it('speaks Portuguese when LANG asks for it', () => {
  expect([langFromEnv('pt_BR.UTF-8'), langFromEnv('en_US.UTF-8'), langFromEnv('')]).toEqual(['pt-BR', 'en', 'en'])
})
