// The likely mistakes behind a failed run, in words a student knows, in Portuguese or English. Generic rules
// read the evidence any scenario has (exit codes, output, listening sockets, captures, fault counters); a
// scenario adds its own. Each rule also checks the evidence that would rule it out, so no hint is a guess.
import { errorLine, printedCheck } from './checks.ts'
import {
  capturedBy,
  closestLine,
  connections,
  expectedPort,
  isServer,
  listenersOf,
  serverProto,
  servers,
  stuck,
  submittedHosts,
} from './hint-evidence.ts'
import { isLoopback } from './sockets.ts'
import type { Hint, HintEvidence, HintRule, Language } from '../model/hints.ts'
import type { HostRun, Packet, Scenario } from '../model/scenario.ts'

const quote = (text: string) => JSON.stringify(text)
const stderrOf = (e: HintEvidence) =>
  submittedHosts(e)
    .flatMap((h) => h.stderr.map((l) => l.text))
    .join('\n')
const stderrText = (host: HostRun) => host.stderr.map((l) => l.text).join('\n')
const stdoutOf = (e: HintEvidence) =>
  submittedHosts(e)
    .flatMap((h) => h.stdout.map((l) => l.text))
    .join('\n')
/** A host that may be a server: the scenario says it listens, or the scenario is not known. */
const mayServe = (e: HintEvidence, host: HostRun) => !e.scenario?.hosts || isServer(e, host.host)
const crashed = (h: HostRun) => h.exitCode !== null && h.exitCode !== 0
/** The host a client should reach (LAB_SERVER_HOST's value): the scenario's first listening host. */
const serverName = (e: HintEvidence) =>
  Object.entries(e.scenario?.hosts ?? {}).find(([, spec]) => spec.listens !== undefined)?.[0] ?? 'server'

/** The Python the lab's image runs (Debian bookworm's); test/hints.test.ts checks it against the image. */
export const LAB_PYTHON = '3.11'

/** How a program says the same thing in each language the lab hints in. */
const IDIOMS = {
  python: {
    serverHost: (name: string) => `os.environ.get('LAB_SERVER_HOST', '${name}')`,
    ownName: 'socket.gethostname()',
    bind: (port: number, _proto: 'tcp' | 'udp') => `bind(('0.0.0.0', ${port}))`,
    connect: (name: string, port: number) => `(os.environ.get('LAB_SERVER_HOST', '${name}'), ${port})`,
    encode: {
      'pt-BR': "use mensagem.encode('utf-8') antes de send()",
      en: "call message.encode('utf-8') before send()",
    },
    decode: {
      'pt-BR': "Você imprimiu bytes (b'...'): use dados.decode('utf-8') depois de recv().",
      en: "You printed bytes (b'...'): call data.decode('utf-8') after recv().",
    },
    reply: {
      'pt-BR':
        'depois de recvfrom(), responda com sendto(resposta, endereco), usando o endereço que recvfrom() devolveu (não localhost)',
      en: 'after recvfrom(), reply with sendto(answer, address), using the address recvfrom() returned (not localhost)',
    },
    waitUdp: {
      'pt-BR':
        'ficou esperando para sempre em recvfrom(). Use settimeout() e trate socket.timeout (reenvie ou desista)',
      en: 'kept waiting in recvfrom() forever. Use settimeout() and handle socket.timeout (resend or give up)',
    },
    waitBoth: { 'pt-BR': 'os dois lados ficaram esperando em recv()', en: 'both sides kept waiting in recv()' },
  },
  node: {
    serverHost: (name: string) => `process.env.LAB_SERVER_HOST ?? '${name}'`,
    ownName: 'os.hostname()',
    bind: (port: number, proto: 'tcp' | 'udp') =>
      proto === 'udp' ? `socket.bind(${port})` : `server.listen(${port}, '0.0.0.0')`,
    connect: (name: string, port: number) => `{ host: process.env.LAB_SERVER_HOST ?? '${name}', port: ${port} }`,
    encode: {
      'pt-BR': "escreva texto ou um Buffer: Buffer.from(mensagem, 'utf8')",
      en: "write a string or a Buffer: Buffer.from(message, 'utf8')",
    },
    decode: {
      'pt-BR': "Você imprimiu um Buffer (<Buffer ...>): use dados.toString('utf8') no evento 'data'.",
      en: "You printed a Buffer (<Buffer ...>): call data.toString('utf8') in the 'data' event.",
    },
    reply: {
      'pt-BR':
        "no evento 'message', responda com socket.send(resposta, rinfo.port, rinfo.address), usando o endereço que veio em rinfo (não localhost)",
      en: "in the 'message' event, reply with socket.send(answer, rinfo.port, rinfo.address), using the address rinfo gave (not localhost)",
    },
    waitUdp: {
      'pt-BR': "ficou esperando para sempre por um evento 'message'. Use um setTimeout() e reenvie ou desista",
      en: "kept waiting for a 'message' event forever. Use setTimeout() and resend or give up",
    },
    waitBoth: {
      'pt-BR': "os dois lados ficaram esperando um evento 'data'",
      en: "both sides kept waiting for a 'data' event",
    },
  },
} satisfies Record<Language, unknown>

/** The idioms of a host's program (of the first submitted one without a host): Python unless the lab knows better. */
const idioms = (e: HintEvidence, host?: string) => IDIOMS[e.languages?.[host ?? e.submitted[0]] ?? 'python']

/** APIs that Python removed since the code that uses them was written: what the error says, and what it was. */
const REMOVED_IN_PYTHON = [
  {
    pattern: /unexpected keyword argument 'loop'/,
    api: 'o argumento loop= do asyncio',
    apiEn: "asyncio's loop= argument",
    removed: '3.10',
  },
  {
    pattern: /module 'asyncio' has no attribute 'coroutine'/,
    api: '@asyncio.coroutine',
    apiEn: '@asyncio.coroutine',
    removed: '3.11',
  },
  {
    pattern: /module 'asyncio' has no attribute 'async'|asyncio\.async\(/,
    api: 'asyncio.async()',
    apiEn: 'asyncio.async()',
    removed: '3.7',
  },
  {
    pattern: /No module named '(asyncore|asynchat)'/,
    api: 'asyncore/asynchat',
    apiEn: 'asyncore/asynchat',
    removed: '3.12',
  },
  { pattern: /No module named 'imp'/, api: 'o módulo imp', apiEn: 'the imp module', removed: '3.12' },
  { pattern: /No module named 'distutils'/, api: 'distutils', apiEn: 'distutils', removed: '3.12' },
  {
    pattern: /module 'collections' has no attribute '(Mapping|MutableMapping|Callable|Iterable|Sequence)'/,
    api: 'collections.Mapping e afins (agora em collections.abc)',
    apiEn: 'collections.Mapping and the like (now in collections.abc)',
    removed: '3.10',
  },
  { pattern: /module 'time' has no attribute 'clock'/, api: 'time.clock()', apiEn: 'time.clock()', removed: '3.8' },
  {
    pattern: /module 'socket' has no attribute 'fromshare'/,
    api: 'socket.fromshare (só no Windows)',
    apiEn: 'socket.fromshare (Windows only)',
    removed: '—',
  },
]

const PYTHON2 = [
  {
    pattern: /Missing parentheses in call to 'print'/,
    'pt-BR': 'print sem parênteses; escreva print(...)',
    en: 'print without parentheses; write print(...)',
  },
  {
    pattern: /name 'raw_input' is not defined/,
    'pt-BR': 'raw_input() não existe em Python 3',
    en: 'raw_input() does not exist in Python 3',
  },
  {
    pattern: /multiple exception types must be parenthesized/,
    'pt-BR': 'except X, e; escreva except X as e',
    en: 'except X, e; write except X as e',
  },
]
const python2 = (e: HintEvidence) => PYTHON2.find(({ pattern }) => pattern.test(stderrOf(e)))

/** What stops a program before it talks to anybody. */
const BEFORE_THE_NETWORK: HintRule[] = [
  {
    id: 'output-flood',
    match: (e) =>
      submittedHosts(e).some((h) => h.outputCut)
        ? {
            'pt-BR':
              'Seu programa escreveu mais de 1 MiB e foi interrompido: há um print dentro de um laço que não termina?',
            en: 'Your program wrote more than 1 MiB and was stopped: is there a print inside a loop that never ends?',
          }
        : undefined,
  },
  {
    id: 'python2',
    match: (e) => {
      const found = python2(e)
      return found
        ? {
            'pt-BR': `Seu programa está escrito em Python 2 (${found['pt-BR']}), mas o lab roda Python 3.`,
            en: `Your program is written in Python 2 (${found.en}), but the lab runs Python 3.`,
          }
        : undefined
    },
  },
  {
    id: 'syntax-error',
    match: (e) => {
      const line = stderrOf(e)
        .split('\n')
        .find((l) => /\b(SyntaxError|IndentationError|TabError)\b/.test(l))
      return line && !python2(e)
        ? {
            'pt-BR': `Seu programa nem chegou a rodar: erro de sintaxe (${line.trim()}). Corrija a linha indicada no erro.`,
            en: `Your program never ran: a syntax error (${line.trim()}). Fix the line the error points to.`,
          }
        : undefined
    },
  },
  {
    id: 'old-python',
    match: (e) => {
      const found = REMOVED_IN_PYTHON.find(({ pattern }) => pattern.test(stderrOf(e)))
      if (!found) return undefined
      const since = found.removed === '—' ? '' : ` (removido no Python ${found.removed})`
      const sinceEn = found.removed === '—' ? '' : ` (removed in Python ${found.removed})`
      return {
        'pt-BR': `Seu programa usa ${found.api}${since}, mas o lab roda Python ${LAB_PYTHON}: escreva sem ele (veja a documentação do Python ${LAB_PYTHON}).`,
        en: `Your program uses ${found.apiEn}${sinceEn}, but the lab runs Python ${LAB_PYTHON}: write it without (see Python ${LAB_PYTHON}'s documentation).`,
      }
    },
  },
  {
    id: 'input',
    match: (e) =>
      /EOFError: EOF when reading a line/.test(stderrOf(e))
        ? {
            'pt-BR': `Seu programa chamou input(), mas no lab ninguém digita (EOFError). Use valores fixos: o servidor é '${serverName(e)}' (os.environ['LAB_SERVER_HOST']), porta ${expectedPort(e)}.`,
            en: `Your program called input(), but nobody types in the lab (EOFError). Use fixed values: the server is '${serverName(e)}' (os.environ['LAB_SERVER_HOST']), port ${expectedPort(e)}.`,
          }
        : undefined,
  },
  {
    id: 'encode',
    match: (e) => {
      const host = submittedHosts(e).find((h) =>
        /a bytes-like object is required, not 'str'|ERR_INVALID_ARG_TYPE/.test(h.stderr.map((l) => l.text).join('\n')),
      )
      const { encode } = idioms(e, host?.host)
      return host
        ? {
            'pt-BR': `Sockets enviam bytes, não texto: ${encode['pt-BR']}.`,
            en: `Sockets send bytes, not text: ${encode.en}.`,
          }
        : undefined
    },
  },
]

/** Where the programs listen and connect. */
const WHERE: HintRule[] = [
  {
    // A server that finds its own address by connecting a UDP socket to a public one (the 8.8.8.8 trick).
    id: 'no-way-out',
    match: (e) => {
      const host = submittedHosts(e).find(
        (h) =>
          mayServe(e, h) &&
          crashed(h) &&
          /Network is unreachable|ENETUNREACH/.test(h.stderr.map((l) => l.text).join('\n')),
      )
      if (!host) return undefined
      // It died before it listened: what it was about to be, its capture or its own stack says (dgram, SOCK_DGRAM).
      const udp = serverProto(e) === 'udp' || /\bdgram\b|SOCK_DGRAM/.test(stderrText(host))
      const bind = idioms(e, host.host).bind(expectedPort(e), udp ? 'udp' : 'tcp')
      return {
        'pt-BR': `O lab não tem saída para fora da sua rede (Network is unreachable): um servidor não precisa descobrir o próprio endereço, conectando-se a 8.8.8.8 ou outro endereço público. ${bind} escuta em todas as interfaces sem endereço nenhum.`,
        en: `The lab has no way out of its own network (Network is unreachable): a server needs no address of its own, found by connecting to 8.8.8.8 or another public address. ${bind} listens on every interface with no address at all.`,
      }
    },
  },
  {
    id: 'wrong-port',
    match: (e) => {
      const port = expectedPort(e)
      for (const host of submittedHosts(e).filter((h) => mayServe(e, h))) {
        const listeners = listenersOf(host)
        if (listeners.length && !listeners.some((l) => l.port === port)) {
          return {
            'pt-BR': `O servidor escuta na porta ${listeners[0].port}, mas o exercício usa a porta ${port} (LAB_PORT).`,
            en: `The server listens on port ${listeners[0].port}, but the exercise uses port ${port} (LAB_PORT).`,
          }
        }
      }
      return undefined
    },
  },
  {
    id: 'bound-to-localhost',
    match: (e) => {
      const port = expectedPort(e)
      const host = submittedHosts(e).find(
        (h) => mayServe(e, h) && listenersOf(h).length > 0 && listenersOf(h).every((l) => isLoopback(l)),
      )
      if (!host) return undefined
      const { bind } = idioms(e, host.host)
      if (listenersOf(host).every((l) => l.proto === 'tcp')) {
        return {
          'pt-BR': `O servidor escuta só em localhost (127.0.0.1), então clientes de outras máquinas são recusados: use ${bind(port, 'tcp')}.`,
          en: `The server listens on localhost (127.0.0.1) only, so clients on other hosts are refused: ${bind(port, 'tcp')} instead.`,
        }
      }
      const unreachable = capturedBy(host).filter(
        (p) => p.src === host.address && p.icmp?.type === 3 && p.icmp.code === 3,
      ).length
      return {
        'pt-BR': `O servidor UDP escuta só em localhost (127.0.0.1): os datagramas de outras máquinas voltam como ICMP "porta inalcançável" (${unreachable} na captura). Use ${bind(port, 'udp')}.`,
        en: `The UDP server listens on localhost (127.0.0.1) only: datagrams from other hosts are answered with ICMP "port unreachable" (${unreachable} in the capture). Use ${bind(port, 'udp')}.`,
      }
    },
  },
  {
    id: 'client-wrong-port',
    match: (e) => {
      const miss = clientMiss(e)
      return miss?.port !== undefined
        ? {
            'pt-BR': `O cliente chegou ao servidor, mas na porta ${miss.port}: o servidor escuta na ${expectedPort(e)} (a captura mostra ${miss.what === 'SYN' ? 'SYN' : 'datagrama'} para ${miss.server}:${miss.port}). Use a porta ${expectedPort(e)}.`,
            en: `The client reached the server, but on port ${miss.port}: the server listens on ${expectedPort(e)} (the capture shows ${miss.what} to ${miss.server}:${miss.port}). Use port ${expectedPort(e)}.`,
          }
        : undefined
    },
  },
  {
    id: 'client-wrong-host',
    match: (e) => {
      const miss = clientMiss(e)
      if (!miss || miss.port !== undefined) return undefined
      const code = idioms(e, miss.client)
      const where = {
        self: {
          'pt-BR': `nada saiu do cliente para a rede: localhost, 127.0.0.1 e ${code.ownName} são a própria máquina do cliente`,
          en: `nothing left the client: localhost, 127.0.0.1 and ${code.ownName} are the client's own machine`,
        },
        name: {
          'pt-BR': 'o nome que o cliente usou não existe no lab',
          en: 'the name the client used does not exist in the lab',
        },
        outside: {
          'pt-BR': 'o endereço que o cliente usou fica fora da rede do lab',
          en: "the address the client used is outside the lab's network",
        },
        other: {
          'pt-BR': `o cliente tentou ${miss.address}, que não é o servidor`,
          en: `the client tried ${miss.address}, which is not the server`,
        },
      }[miss.reason ?? 'self']
      const to = code.connect(miss.server, expectedPort(e))
      // A client that caught its own error and ended cleanly said it failed, but not where it went.
      const handled = {
        'pt-BR': miss.handled ? `, embora o cliente tenha terminado normalmente (imprimiu ${quote(miss.handled)})` : '',
        en: miss.handled ? `, though the client ended cleanly (it printed ${quote(miss.handled)})` : '',
      }
      return {
        'pt-BR': `Nenhum ${miss.what === 'SYN' ? 'SYN' : 'datagrama'} chegou ao servidor${handled['pt-BR']} (${where['pt-BR']}). Conecte a ${to}.`,
        en: `No ${miss.what === 'SYN' ? 'SYN' : 'datagram'} reached the server${handled.en} (${where.en}). Connect to ${to}.`,
      }
    },
  },
  {
    id: 'udp-no-reply',
    match: (e) => {
      const port = expectedPort(e)
      for (const server of submittedHosts(e).filter((h) => isServer(e, h.host) && h.exitCode === null)) {
        const seen = capturedBy(server).filter((p) => p.proto === 'udp')
        const asked = seen.filter((p) => p.dst === server.address && p.dport === port)
        const dropped = Object.values(server.faultCounters ?? {}).reduce((sum, n) => sum + n, 0)
        // Only a socket that can receive them got them: not one bound to localhost (its kernel answered ICMP
        // port unreachable instead), not when the lab dropped datagrams on the way in (udp-lost).
        const reachable = listenersOf(server).some((l) => l.proto === 'udp' && l.port === port && !isLoopback(l))
        if (!asked.length || !reachable || dropped > 0 || seen.some((p) => p.src === server.address)) continue
        const { reply } = idioms(e, server.host)
        return {
          'pt-BR': `O servidor recebeu ${asked.length} datagrama(s) e não respondeu nenhum para a rede: ${reply['pt-BR']}.`,
          en: `The server got ${asked.length} datagram(s) and sent no answer onto the network: ${reply.en}.`,
        }
      }
      return undefined
    },
  },
  {
    id: 'udp-lost',
    match: (e) => {
      const dropped = Object.values(e.run.hosts).reduce(
        (sum, h) => sum + Object.values(h.faultCounters ?? {}).reduce((a, n) => a + n, 0),
        0,
      )
      const waiting = submittedHosts(e).find((h) => !isServer(e, h.host) && stuck(e, h))
      if (!waiting || dropped === 0 || serverProto(e) !== 'udp') return undefined
      const { waitUdp } = idioms(e, waiting.host)
      return {
        'pt-BR': `O lab descartou ${dropped} pacote(s), e o UDP não reenvia nem avisa: ${waiting.host} ${waitUdp['pt-BR']}.`,
        en: `The lab dropped ${dropped} packet(s), and UDP neither resends nor tells: ${waiting.host} ${waitUdp.en}.`,
      }
    },
  },
]

interface Miss {
  /** The client that missed. */
  client: string
  /** What it printed of its own failure, when it caught it and ended cleanly. */
  handled?: string
  what: 'SYN' | 'datagram'
  /** The server the client should have reached. */
  server: string
  /** The port it reached the server on instead, when it did. */
  port?: number
  /** Why it reached no server: its own machine, a name the lab has not, an address outside, another address. */
  reason?: 'self' | 'name' | 'outside' | 'other'
  address?: string
}

/** What a client prints when it caught its own failure and went on: an error, a timeout, a refusal (pt-BR or English). */
const HANDLED_FAILURE =
  /\b(error|erro|failed|falhou|timed? ?out|tempo esgotado|esgotou|refused|recusad[ao]|unreachable|inalcan[çc][áa]vel|exception|exce[çc][ãa]o)\b/i

/** A submitted client that failed to reach the server: where it went instead. Undefined when it aimed at the
 * server's address and port (then the server refused or stayed quiet, or the lab cut the path: not its mistake). */
function clientMiss(e: HintEvidence): Miss | undefined {
  const port = expectedPort(e)
  const proto = serverProto(e)
  const serverHosts = servers(e)
  if (!proto || !serverHosts.length) return undefined
  for (const client of submittedHosts(e).filter((h) => !isServer(e, h.host))) {
    // A client that catches its own error and exits 0 says so on its output ("an error occurred", "request timed out").
    const handled =
      client.exitCode === 0
        ? [...client.stdout, ...client.stderr].map((l) => l.text).find((text) => HANDLED_FAILURE.test(text))
        : undefined
    const error = crashed(client) ? (errorLine(client) ?? '') : (handled ?? '')
    const gaveUp =
      /ConnectionRefused|ECONNREFUSED|unreachable|EHOSTUNREACH|ENETUNREACH|No route to host|gaierror|ENOTFOUND|EAI_AGAIN|timed out|Timeout|ETIMEDOUT/i.test(
        error,
      ) || handled !== undefined
    if (!gaveUp && !(proto === 'udp' && stuck(e, client))) continue
    const what = proto === 'tcp' ? 'SYN' : 'datagram'
    const opens = (p: Packet) => p.src === client.address && p.proto === proto && (proto === 'udp' || p.flags === 'S')
    const asks = (p: Packet) => p.proto === 'arp' && p.flags === 'request' && p.src === client.address
    // What the servers captured, and what the client did (a server whose link is down captures nothing).
    const sent = [...serverHosts.flatMap(capturedBy), ...capturedBy(client)].filter((p) => opens(p) || asks(p))
    const server = (p: Packet) => serverHosts.find((s) => s.address === p.dst)
    if (sent.some((p) => server(p) && opens(p) && p.dport === port)) continue
    const wrongPort = sent.find((p) => server(p) && opens(p))
    const name = serverName(e)
    const who = { client: client.host, ...(handled ? { handled } : {}) }
    if (wrongPort) return { ...who, what, server: server(wrongPort)!.host, port: wrongPort.dport }
    // It asked for the server's own address and got no answer: the lab took that host away (host-unreachable).
    if (sent.some((p) => server(p) && asks(p))) continue
    if (/gaierror|ENOTFOUND|EAI_AGAIN|Name or service not known/i.test(error))
      return { ...who, what, server: name, reason: 'name' }
    if (/ENETUNREACH|Network is unreachable/i.test(error)) return { ...who, what, server: name, reason: 'outside' }
    return sent[0]
      ? { ...who, what, server: name, reason: 'other', address: sent[0].dst }
      : { ...who, what, server: name, reason: 'self' }
  }
  return undefined
}

/** Details of the protocol: the text of the messages. */
const PROTOCOL: HintRule[] = [
  {
    id: 'decode',
    match: (e) => {
      const host = submittedHosts(e).find((h) =>
        h.stdout.some((l) => /\bb(['"]).*\1|<Buffer( [0-9a-f]{2})+( \.\.\. \d+ more bytes)?>/.test(l.text)),
      )
      return host ? idioms(e, host.host).decode : undefined
    },
  },
  {
    id: 'wrong-text',
    claimsExchange: true,
    match: (e) => {
      if (submittedHosts(e).some(crashed)) return undefined
      for (const [name, expectation] of Object.entries(e.scenario?.expect ?? {})) {
        const host = e.run.hosts[name]
        const expected = expectation.prints ?? []
        const printed = host?.stdout.map((l) => l.text) ?? []
        const missing = expected.find((line) => !printed.includes(line))
        const closest =
          missing &&
          closestLine(
            missing,
            printed.filter((line) => !expected.includes(line)),
          )
        if (!host || !missing || !closest) continue
        const mine = e.submitted.includes(name)
        const who = { 'pt-BR': mine ? `seu programa (${name})` : name, en: mine ? `your program (${name})` : name }
        const sent = mine ? undefined : sentTo(e, host, closest)
        const received = {
          'pt-BR': sent ? `; recebeu do seu programa ${quote(sent)}` : '',
          en: sent ? `; it received ${quote(sent)} from your program` : '',
        }
        return {
          text: {
            'pt-BR': `A comunicação funcionou, mas o texto não é o esperado: ${who['pt-BR']} deveria imprimir ${quote(missing)} e imprimiu ${quote(closest)}${received['pt-BR']}.`,
            en: `The exchange worked, but the text is not the expected one: ${who.en} should print ${quote(missing)} and printed ${quote(closest)}${received.en}.`,
          },
          // the expected line of a hidden check is the teacher's secret: the student's view says only what was printed
          quotes: {
            checks: [printedCheck(name, missing)],
            withheld: {
              'pt-BR': `A comunicação funcionou, mas o texto não é o esperado: ${who['pt-BR']} imprimiu ${quote(closest)}${received['pt-BR']}.`,
              en: `The exchange worked, but the text is not the expected one: ${who.en} printed ${quote(closest)}${received.en}.`,
            },
          },
        }
      }
      return undefined
    },
  },
]

/** The payload a submitted program sent to `host`, as `host` captured it: the one its printed line quotes. */
function sentTo(e: HintEvidence, host: HostRun, printed: string): string | undefined {
  const senders = new Set(submittedHosts(e).map((h) => h.address))
  const payloads = capturedBy(host)
    .filter((p) => senders.has(p.src) && p.dst === host.address && p.length > 0 && p.payload)
    .map((p) => p.payload!.toString('utf8'))
  return payloads.find((text) => printed.includes(text.trim())) ?? payloads[0]
}

/** Shown only when no rule above explains the failure. */
const FALLBACKS: HintRule[] = [
  {
    id: 'both-waiting',
    match: (e) => {
      if (!bothWaiting(e)) return undefined
      const { waitBoth } = idioms(e)
      return {
        'pt-BR': `A conexão foi aberta (SYN, SYN-ACK na captura), mas nenhum byte passou: ${waitBoth['pt-BR']}. Um deles precisa falar primeiro; veja no enunciado quem.`,
        en: `The connection opened (SYN, SYN-ACK in the capture), but no byte crossed it: ${waitBoth.en}. One of them must speak first; see the exercise for which.`,
      }
    },
  },
  {
    id: 'crashed',
    match: (e) => {
      const host = submittedHosts(e).find(crashed)
      const last = host && errorLine(host)
      return host
        ? {
            'pt-BR': `Seu programa (${host.host}) terminou com erro (código ${host.exitCode})${last ? `: ${last}` : ''}.`,
            en: `Your program (${host.host}) stopped with an error (exit code ${host.exitCode})${last ? `: ${last}` : ''}.`,
          }
        : undefined
    },
  },
]

/** An established connection that carried no byte either way, with both of its programs still running. */
export function bothWaiting(e: HintEvidence): boolean {
  return connections(e).some(
    (c) =>
      c.established &&
      c.bytes === 0 &&
      c.client.exitCode === null &&
      c.server.exitCode === null &&
      (e.submitted.includes(c.client.host) || e.submitted.includes(c.server.host)),
  )
}

/** A scenario's rule naming who speaks first when both sides waited in recv(). */
export function speaksFirst(id: string, text: Record<'pt-BR' | 'en', string>): HintRule {
  return { id, match: (e) => (bothWaiting(e) ? text : undefined) }
}

/** Every generic rule, for the tests that hold each one to the rules of all hints. */
export const GENERIC_RULES: readonly HintRule[] = [...BEFORE_THE_NETWORK, ...WHERE, ...PROTOCOL, ...FALLBACKS]

/** A check failed that is not about what a message said: the scenario's own about the conversation (a room's),
 * an exit, the lab running to its end. Only a run whose every failed check is about text (an expected line, or a
 * check the scenario marks `about: 'text'`) may be told that it talked. */
export function conversationFailed(e: HintEvidence): boolean {
  const lines = new Set(
    Object.entries(e.scenario?.expect ?? {}).flatMap(([host, expectation]) =>
      (expectation.prints ?? []).map((line) => printedCheck(host, line)),
    ),
  )
  return e.checks.some((check) => !check.passed && !lines.has(check.description) && check.about !== 'text')
}

/**
 * The likely mistakes behind a failed run of submitted programs: every rule that matches, most basic first
 * (the program never ran, then where it listens or connects, then the scenario's protocol, then the text);
 * the fallbacks (both sides waiting, a bare crash) only when nothing else matched. Callers that show one
 * hint take the first. Empty when nothing failed or nothing matches.
 */
export function hintsFor(
  scenario: Partial<Pick<Scenario, 'hints' | 'hosts' | 'expect'>>,
  evidence: HintEvidence,
): Hint[] {
  if (evidence.submitted.length === 0 || evidence.checks.every((check) => check.passed)) return []
  const full: HintEvidence = { ...evidence, scenario: evidence.scenario ?? scenario }
  // A check about the conversation failed (not only a line's text): no hint may say that the exchange worked.
  const talked = !conversationFailed(full)
  const matching = (rules: HintRule[]) =>
    rules.flatMap((rule): Hint[] => {
      if (rule.claimsExchange && !talked) return []
      const found = rule.match(full)
      if (!found) return []
      return 'text' in found ? [{ id: rule.id, ...found }] : [{ id: rule.id, text: found }]
    })
  const found = matching([...BEFORE_THE_NETWORK, ...WHERE, ...(scenario.hints ?? []), ...PROTOCOL])
  return found.length ? found : matching(FALLBACKS)
}
