// Preloaded (NODE_OPTIONS --import) by lab-run into a Node program that has to wait for the lab: Node starts
// meanwhile, and the program's own code loads once lab-run's waiter writes `go` on fd LAB_HOLD_FD. A waiter that
// gave up (it said why) or died closes that FIFO unwritten: the program then exits 125 without running.
import { closeSync, readSync } from 'node:fs'

const fd = Number(process.env.LAB_HOLD_FD)
// The program, and what it starts, are told nothing of the hold.
delete process.env.LAB_HOLD_FD
const self = `--import=${import.meta.url}`
process.env.NODE_OPTIONS = (process.env.NODE_OPTIONS ?? '')
  .split(' ')
  .filter((option) => option !== self)
  .join(' ')
const said = Buffer.alloc(3)
let read = 0
try {
  read = readSync(fd, said, 0, said.length, null)
} finally {
  closeSync(fd)
}
if (said.toString('latin1', 0, read) !== 'go\n') process.exit(125)
