// Runs a submitted program with its output bounded: past LAB_OUTPUT_LIMIT bytes (stdout and stderr together)
// the program is stopped and the cut is noted, so a flood is graded as a failure instead of filling the
// disk or stalling the lab. It runs as root and starts the program as `lab` (lab-drop), so the program can
// neither write to this process's stdout through /proc nor signal it. The program has ended when its main
// process exits: whatever it left behind (a detached child that holds stdout) is killed after a short drain.
// Exits with the program's own exit code (128 + signal when killed).
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { constants } from 'node:os'
import { LIMIT_MARK, OUTPUT_CUT_MARK } from './protocol.ts'

/** How long output still in flight may arrive after the main process exited. */
const DRAIN_MS = 300

const limit = Number(process.env.LAB_OUTPUT_LIMIT)
const [command, ...args] = process.argv.slice(2)
// In this root process's memory only: a program that prints the cut mark itself cannot end it with this.
const nonce = randomBytes(12).toString('hex')
process.stderr.write(`${LIMIT_MARK} ${nonce}\n`)
const child = spawn('lab-drop', [command, ...args], { stdio: ['inherit', 'pipe', 'pipe'] })
let written = 0
let cut = false
let exitCode: number | undefined

/** Kills every process of user `lab` in this container (kill -1 as lab reaches all of them, and only them):
 * the program, its forks, and whatever they detached or moved to another session. */
function killProgram(): void {
  spawnSync('lab-drop', ['sh', '-c', 'kill -KILL -1 2>/dev/null'], { stdio: 'ignore' })
}

for (const [from, to] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
] as const) {
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
    process.stderr.write(`\n${OUTPUT_CUT_MARK} ${limit} bytes; the program was stopped (${nonce})\n`)
    killProgram()
  })
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal))
child.on('error', (error) => {
  process.stderr.write(`lab-run: cannot start ${command}: ${error.message}\n`)
  process.exit(127)
})
child.on('exit', (code, signal) => {
  exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0)
  setTimeout(killProgram, DRAIN_MS).unref()
})
child.on('close', () => process.exit(exitCode))
