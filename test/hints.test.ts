// The hints a student gets for the mistakes students make, on real labs: each fixture in
// test/fixtures/submissions runs in its scenario, and the test asserts the hint and that the misleading one
// (a bare crash, a syntax error, "never left the loop") is gone.
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { LAB_PYTHON } from '../engine/judge/hints.ts'
import { runScenario } from '../engine/runtime/run.ts'

const image = inject('labImage')
const catalog = await loadCatalog()
const scenario = (id: string) => selectScenarios(catalog, [id])[0]
/** Runs `file` as `host` of the scenario; a short deadline where the mistake leaves a program waiting forever. */
const grade = (id: string, host: 'server' | 'client', file: string, deadlineMs?: number) => {
  const chosen = scenario(id)
  return runScenario(
    { ...chosen, deadlineMs: deadlineMs ?? chosen.deadlineMs },
    { image, submissions: { [host]: path.join(ROOT, 'test/fixtures/submissions', file) } },
  )
}
const ids = (result: Awaited<ReturnType<typeof grade>>) => result.hints.map((h) => h.id)

describe.concurrent('hints for clients aimed at the wrong place (tcp-basic)', { timeout: 90_000 }, () => {
  it('a client connecting to localhost: no SYN reached the server', async () => {
    const result = await grade('tcp-basic', 'client', 'cliente-localhost.py')
    expect(ids(result)).toEqual(['client-wrong-host'])
    expect(result.hints[0].text['pt-BR']).toBe(
      "Nenhum SYN chegou ao servidor (nada saiu do cliente para a rede: localhost, 127.0.0.1 e socket.gethostname() são a própria máquina do cliente). Conecte a (os.environ.get('LAB_SERVER_HOST', 'server'), 12345).",
    )
  })

  it('a client on the wrong port: its SYN reached the server on 5000', async () => {
    const result = await grade('tcp-basic', 'client', 'cliente-porta-errada.py')
    expect(ids(result)).toEqual(['client-wrong-port'])
    expect(result.hints[0].text.en).toBe(
      'The client reached the server, but on port 5000: the server listens on 12345 (the capture shows SYN to server:5000). Use port 12345.',
    )
  })

  it('a client calling input(): nobody types in the lab', async () => {
    const result = await grade('tcp-basic', 'client', 'cliente-input.py')
    expect(ids(result)).toEqual(['input'])
    expect(result.hints[0].text.en).toContain(
      "nobody types in the lab (EOFError). Use fixed values: the server is 'server'",
    )
  })

  it('a Python 2 server: says Python 2, not syntax error', async () => {
    const result = await grade('tcp-basic', 'server', 'servidor-python2.py')
    expect(ids(result)).toEqual(['python2'])
    expect(result.hints[0].text.en).toBe(
      'Your program is written in Python 2 (print without parentheses; write print(...)), but the lab runs Python 3.',
    )
  })
})

describe.concurrent(
  "hints for what strangers' programs got wrong (trust round 2, tcp-basic)",
  { timeout: 90_000 },
  () => {
    it('a client that catches its own error and exits 0: no SYN reached the server, though it ended cleanly', async () => {
      const result = await grade('tcp-basic', 'client', 'cliente-erro-tratado.py')
      expect(result.run.hosts.client.exitCode).toBe(0)
      expect(ids(result)).toEqual(['client-wrong-host'])
      expect(result.hints[0].text.en).toMatch(
        /^No SYN reached the server, though the client ended cleanly \(it printed "Ocorreu um erro: \[Errno 111\] Connection refused"\) \(nothing left the client: localhost/,
      )
    })

    it('a server that looks for its address through 8.8.8.8: the lab has no way out, bind needs no address', async () => {
      const result = await grade('tcp-basic', 'server', 'servidor-8888.py')
      expect(ids(result)).toEqual(['no-way-out'])
      expect(result.hints[0].text['pt-BR']).toContain(
        "bind(('0.0.0.0', 12345)) escuta em todas as interfaces sem endereço nenhum",
      )
    })

    it(`a server for an older Python: asyncio's loop= named, and the lab's Python (${LAB_PYTHON})`, async () => {
      const result = await grade('tcp-basic', 'server', 'servidor-asyncio-loop.py')
      expect(result.run.hosts.server.stderr[0].text).toMatch(new RegExp(`^python ${LAB_PYTHON.replace('.', '\\.')}\\.`))
      expect(ids(result)).toEqual(['old-python'])
      expect(result.hints[0].text.en).toContain(
        `asyncio's loop= argument (removed in Python 3.10), but the lab runs Python ${LAB_PYTHON}`,
      )
    })

    it("a Node server bound to localhost gets Node's fix, not bind((...))", async () => {
      const result = await grade('tcp-basic', 'server', 'servidor-localhost.mjs')
      expect(ids(result)).toEqual(['bound-to-localhost'])
      expect(result.hints[0].text.en).toBe(
        "The server listens on localhost (127.0.0.1) only, so clients on other hosts are refused: server.listen(12345, '0.0.0.0') instead.",
      )
    })
  },
)

describe.concurrent('hints for chat-persistent', { timeout: 90_000 }, () => {
  it('a server bound to localhost is told so, not that it never left its loop', async () => {
    const result = await grade('chat-persistent', 'server', 'servidor-chat-localhost.py', 8000)
    expect(result.run.hosts.client.exitCode).toBe(1)
    expect(ids(result)).toEqual(['bound-to-localhost'])
  })

  it('a server printing its own words sees the expected line beside its own', async () => {
    const result = await grade('chat-persistent', 'server', 'servidor-chat-recebido.py')
    expect(ids(result)).toEqual(['wrong-text'])
    expect(result.hints[0].text.en).toBe(
      'The exchange worked, but the text is not the expected one: your program (server) should print "Cliente: Mensagem 1" and printed "Recebido: Mensagem 1".',
    )
  })

  it('a client waiting for the server to speak first: both sides in recv(), the client speaks first', async () => {
    const result = await grade('chat-persistent', 'client', 'cliente-chat-espera.py', 6000)
    expect(ids(result)).toEqual(['client-speaks-first'])
    expect(result.hints[0].text['pt-BR']).toContain('neste protocolo o cliente fala primeiro')
  })
})

describe.concurrent('hints for UDP (udp-basic)', { timeout: 90_000 }, () => {
  it('a server on another port', async () => {
    const result = await grade('udp-basic', 'server', 'servidor-udp-porta-errada.py')
    expect(result.run.hosts.server.listening).toContain('0.0.0.0:5000/udp')
    expect(ids(result)).toEqual(['wrong-port'])
  })

  it('a server bound to localhost: the capture shows ICMP port unreachable', async () => {
    const result = await grade('udp-basic', 'server', 'servidor-udp-localhost.py', 6000)
    expect(ids(result)).toEqual(['bound-to-localhost'])
    expect(result.hints[0].text.en).toMatch(
      /^The UDP server listens on localhost \(127\.0\.0\.1\) only: datagrams from other hosts are answered with ICMP "port unreachable" \([1-9]\d* in the capture\)/,
    )
  })

  it('a server that never answers', async () => {
    const result = await grade('udp-basic', 'server', 'servidor-udp-mudo.py', 6000)
    expect(ids(result)).toEqual(['udp-no-reply'])
  })

  it('a server answering its own words: what the client received', async () => {
    const result = await grade('udp-basic', 'server', 'servidor-udp-hello.py')
    expect(ids(result)).toEqual(['wrong-text'])
    expect(result.hints[0].text.en).toBe(
      'The exchange worked, but the text is not the expected one: client should print "Resposta do servidor: Mensagem recebida!" and printed "Resposta do servidor: Hello, UDP Client!"; it received "Hello, UDP Client!" from your program.',
    )
  })

  it('a client sending to localhost and waiting forever in recvfrom', async () => {
    const result = await grade('udp-basic', 'client', 'cliente-udp-localhost.py', 6000)
    expect(ids(result)).toEqual(['client-wrong-host'])
  })
})

it(
  'shows every mistake at once, most basic first: a server on the wrong port and on localhost',
  { timeout: 90_000 },
  async () => {
    const result = await grade('tcp-basic', 'server', 'servidor-localhost-porta-errada.py')
    expect(ids(result)).toEqual(['wrong-port', 'bound-to-localhost'])
    expect(result.hints[0].text.en).toBe(
      'The server listens on port 5000, but the exercise uses port 12345 (LAB_PORT).',
    )
  },
)
