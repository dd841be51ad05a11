// Loaded into the lab's process by the bench (NODE_OPTIONS=--import): at exit, the CPU time of that process alone
// (not of the compose and docker commands it starts) goes to SOCKET_LAB_CPU_FILE. npm's own process, which
// gets the same NODE_OPTIONS, is not the lab's and says nothing.
import { appendFileSync } from 'node:fs'

if (process.env.SOCKET_LAB_CPU_FILE && /(?:lab\.ts|socket-lab\.mjs)$/.test(process.argv[1] ?? '')) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage()
    appendFileSync(process.env.SOCKET_LAB_CPU_FILE, `${(user + system) / 1000}\n`)
  })
}
