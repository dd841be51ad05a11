// A tiny TCP service: one request a connection, `ping N` answered with `pong N`. CRASH_AFTER=N makes it exit
// after N replies, so a scenario can restart it under a running client.
import net from 'node:net'

const PORT = Number(process.env.PORT ?? 7000)
const CRASH_AFTER = Number(process.env.CRASH_AFTER ?? 0)
let served = 0

net
  .createServer((socket) => {
    socket.on('error', () => socket.destroy())
    socket.once('data', (data) => {
      const n = String(data).trim().split(' ')[1]
      served++
      socket.end(`pong ${n}\n`, () => {
        if (CRASH_AFTER && served >= CRASH_AFTER) {
          console.log(`crashing after ${served} requests`)
          process.exit(3)
        }
      })
    })
  })
  .listen(PORT, () => console.log(`listening on ${PORT}`))
