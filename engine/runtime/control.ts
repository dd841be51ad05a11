// The engine's end of a live lab's control commands (services/bin/control.ts): over the sidecar's socket when this
// machine can reach it (a warm rerun asks a few of them, and each costs no process start there), else through
// `docker exec node lab-ctl.ts` (an engine on another machine, a lab brought up before the socket existed).
import net from 'node:net'
import { formatControl, parseEvent, type ControlRequest } from '../../services/bin/protocol.ts'
import type * as docker from './docker.ts'
import { containerEngine } from './engine.ts'
import { arrivals } from './exec.ts'

const LAB_CTL = ['node', '/usr/local/bin/lab-ctl.ts']

/** Starts a control command in a host's sidecar (typed, or already in words); its events are its standard output
 * lines, and it ends with 1 once it reported a failure (as lab-ctl.ts exits). */
export async function controlCommand(
  sidecar: string,
  socket: string | undefined,
  request: ControlRequest | string[],
): Promise<docker.Running> {
  const args = Array.isArray(request) ? request : formatControl(request)
  const overSocket = socket ? await connect(socket, args).catch(() => undefined) : undefined
  return overSocket ?? containerEngine().exec(sidecar, [...LAB_CTL, ...args])
}

function connect(socket: string, args: string[]): Promise<docker.Running> {
  return new Promise((resolve, reject) => {
    const connection = net.createConnection(socket)
    connection.once('error', reject)
    connection.once('connect', () => {
      connection.off('error', reject)
      let failed = false
      let released = false
      let pending = ''
      const lines = arrivals()
      const running: docker.Running = {
        stdout: [],
        stderr: [],
        bytes: [],
        ended: new Promise((ended) => connection.once('close', () => ended(released ? null : failed ? 1 : 0))),
        release: () => {
          released = true
          connection.destroy()
        },
        arrived: lines.arrived,
      }
      // A connection that breaks is a command that failed (the sidecar went away meanwhile).
      connection.on('error', () => (failed = true))
      connection.setEncoding('utf8')
      connection.on('data', (text: string) => {
        pending += text
        const cut = pending.lastIndexOf('\n') + 1
        if (!cut) return
        const at = Date.now()
        for (const line of pending.slice(0, cut - 1).split('\n')) {
          running.stdout.push({ at, text: line })
          if (parseEvent(line)?.kind === 'failed') failed = true
        }
        pending = pending.slice(cut)
        lines.notify()
      })
      connection.write(`${JSON.stringify({ args })}\n`)
      resolve(running)
    })
  })
}
