// Runs a submitted program with its output bounded: past LAB_OUTPUT_LIMIT bytes (stdout and stderr together)
// the program is stopped and the cut is noted, so a flood is graded as a failure instead of filling the
// disk or stalling the lab. Exits with the program's own exit code (128 + signal when killed).
import { spawn } from 'node:child_process'
import { constants } from 'node:os'

const limit = Number(process.env.LAB_OUTPUT_LIMIT)
const [command, ...args] = process.argv.slice(2)
const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'] })
let written = 0
let cut = false

for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
  from.on('data', (chunk: Buffer) => {
    if (cut) return
    const room = limit - written
    written += chunk.length
    if (chunk.length <= room) {
      to.write(chunk)
      return
    }
    cut = true
    to.write(chunk.subarray(0, Math.max(0, room)))
    process.stderr.write(`\nlab-run: output cut after ${limit} bytes; the program was stopped\n`)
    child.kill('SIGKILL')
  })
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal))
child.on('error', (error) => {
  process.stderr.write(`lab-run: cannot start ${command}: ${error.message}\n`)
  process.exit(127)
})
child.on('close', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)))
