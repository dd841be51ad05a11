// The client under test: REQUESTS requests, one every INTERVAL_MS, each on its own connection. A request that
// times out, is refused or is cut is sent again after a growing pause: that retry is what the labs prove.
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

const SERVER = process.env.SERVER ?? 'server'
const PORT = Number(process.env.PORT ?? 7000)
const REQUESTS = Number(process.env.REQUESTS ?? 10)
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 300)
const TIMEOUT_MS = 1000
const MAX_ATTEMPTS = 8

function once(n) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(PORT, SERVER, () => socket.write(`ping ${n}\n`))
    let reply = ''
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no reply within ${TIMEOUT_MS} ms`)))
    socket.on('data', (data) => (reply += data))
    socket.on('error', reject)
    socket.on('close', () =>
      reply.includes('\n') ? resolve(reply.trim()) : reject(new Error('closed without a reply')),
    )
  })
}

async function request(n) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(n)
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw error
      console.error(`request ${n}, attempt ${attempt}: ${error.message}; retrying`)
      await sleep(100 * attempt)
    }
  }
}

for (let n = 1; n <= REQUESTS; n++) {
  try {
    console.log(await request(n))
  } catch (error) {
    console.log(`gave up on request ${n}: ${error.message}`)
    process.exit(1)
  }
  await sleep(INTERVAL_MS)
}
console.log(`done: ${REQUESTS} replies`)
