// `docker exec <sidecar> node lab-ctl.ts VERB [ARG]`: the sidecar's control commands (control.ts) for an engine
// that cannot reach the live lab's control socket. It prints the sidecar's events; exit 1 on a failure. Where the
// sidecar serves its socket, the command goes there, so that it runs in the sidecar's own process: a capture it
// starts (`capture start`) outlives this exec, and its `capture stop` finds it.
import { existsSync } from 'node:fs'
import net from 'node:net'
import readline from 'node:readline'
import { control } from './control.ts'
import { formatEvent, parseEvent } from './protocol.ts'

const host = process.env.LAB_HOST ?? 'host'
const args = process.argv.slice(2)
const socket = process.env.LAB_CTL_SOCKET

/** Sends the command to the sidecar's socket and prints its events; false once one said it failed. */
function relay(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    let ok = true
    const connection = net.createConnection(path, () => connection.write(`${JSON.stringify({ args })}\n`))
    readline.createInterface({ input: connection, crlfDelay: Infinity }).on('line', (line) => {
      console.log(line)
      if (parseEvent(line)?.kind === 'failed') ok = false
    })
    connection.on('error', (error) => {
      console.log(formatEvent(host, { kind: 'failed', error: `lab-ctl: ${error.message}` }))
      ok = false
    })
    connection.on('close', () => resolve(ok))
  })
}

const ok =
  socket && existsSync(socket)
    ? await relay(socket)
    : await control(host, args, (event) => console.log(formatEvent(host, event)))
process.exitCode = ok ? 0 : 1
