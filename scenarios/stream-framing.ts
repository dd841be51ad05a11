// TCP is a byte stream: one recv(1024) returns at most 1024 bytes of whatever has arrived, not "the message".
// The same 64 KiB go to the seed's single-recv server and to a server that reads until the client closes.
import { defineScenario, type HostRun } from '../engine/model/scenario.ts'

const countLine = (host: HostRun) => host.stdout.find((l) => l.text.startsWith('Bytes recebidos do cliente: '))?.text
const received = (host: HostRun) => Number(countLine(host)?.match(/: (\d+)/)?.[1] ?? -1)
const bytes = (count: number) => (count < 0 ? 'no byte count printed' : `it got ${count} bytes`)
const sha256 = (host: HostRun) => host.stdout.map((l) => l.text.match(/^SHA-256 dos dados: (\w+)$/)?.[1]).find(Boolean)

export default defineScenario({ kib: 64 }, ({ kib }) => ({
  title: `${kib} KiB through one recv(1024) and through a receive loop`,
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'recv-once-server', listens: 12345 },
    'loop-server': { program: 'recv-loop-server', listens: 12345 },
    // One server after the other, so the single-recv server's reset cannot disturb the loop's transfer.
    client: { program: 'stream-client', args: [String(kib), 'server', 'loop-server'] },
  },
  hints: [
    {
      id: 'single-recv',
      // The student's receive loop is the loop-server; fewer bytes than sent means it stopped after one recv.
      match: ({ run: { hosts } }) => {
        const got = hosts['loop-server'] ? received(hosts['loop-server']) : -1
        return got >= 0 && got < kib * 1024
          ? {
              'pt-BR': `Seu servidor recebeu ${got} de ${kib * 1024} bytes: um só recv(1024) lê no máximo 1024 bytes do que já chegou. O TCP é um fluxo de bytes: chame recv() num laço até ele devolver vazio.`,
              en: `Your server got ${got} of ${kib * 1024} bytes: one recv(1024) reads at most 1024 bytes of what has arrived. TCP is a byte stream: call recv() in a loop until it returns nothing.`,
            }
          : undefined
      },
    },
  ],
  expect: {
    client: { exit: 0 },
    server: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    'loop-server': { prints: ['Servidor esperando por conexões...'], exit: 'running' },
  },
  check: ({ hosts: { client, server, 'loop-server': loop } }) => {
    const sent = kib * 1024
    const [once, all] = [received(server), received(loop)]
    return [
      {
        description: `the seed's single recv(1024) got at most 1024 of the ${sent} bytes`,
        passed: once > 0 && once <= 1024,
        reason: `${bytes(once)}${once >= 0 ? `; the other ${sent - once} were never read` : ''}, and the client saw: ${JSON.stringify(client.stdout.find((l) => l.text.startsWith('server:'))?.text ?? 'nothing')}`,
      },
      {
        description: `the receive loop got all ${sent} bytes`,
        passed: all === sent,
        reason:
          all === sent
            ? `it got ${all} bytes: ${countLine(loop)}`
            : `${bytes(all)}: TCP is a byte stream, not messages; one recv returns what has arrived (up to its size), so read in a loop until recv returns nothing (the client closed)`,
      },
      {
        description: 'the bytes arrived intact',
        passed: sha256(client) !== undefined && sha256(client) === sha256(loop),
        reason: `SHA-256 sent ${sha256(client)?.slice(0, 16) ?? 'unknown'}…, received ${sha256(loop)?.slice(0, 16) ?? 'none'}…`,
      },
    ]
  },
}))
