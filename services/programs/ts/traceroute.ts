// A small traceroute: UDP probes with TTL 1, 2, 3, … to a closed port of the server. Node's dgram can set the TTL
// but cannot read the ICMP errors that answer the probes: it has no IP_RECVERR nor recvmsg(MSG_ERRQUEUE), and
// raw sockets need a capability the program does not have. What it does see: on a connected socket the kernel
// turns the server's ICMP port unreachable into ECONNREFUSED, so it knows at which hop the probe arrived; the
// routers' ICMP time exceeded (which the kernel does not report without IP_RECVERR) it prints as "*". The
// scenario's checks read every ICMP from the capture, so they hold for this program and the Python one alike.
import dgram from 'node:dgram'
import { lookup } from 'node:dns/promises'
import { SERVER_HOST } from './sock.ts'

const PORTA = 33434
const MAX_SALTOS = 5

const { address: endereco } = await lookup(SERVER_HOST, { family: 4 })
console.log(`traceroute para ${SERVER_HOST} (${endereco}), ${MAX_SALTOS} saltos no máximo`)

for (let ttl = 1; ttl <= MAX_SALTOS; ttl++) {
  const sonda = dgram.createSocket('udp4')
  await new Promise<void>((resolve, reject) =>
    sonda.connect(PORTA + ttl, endereco, (error?: Error) => (error ? reject(error) : resolve())),
  )
  sonda.setTTL(ttl)
  const inicio = performance.now()
  const recusada = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 1000)
    sonda.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve(error.code === 'ECONNREFUSED')
    })
  })
  sonda.send('sonda')
  const chegou = await recusada
  sonda.close()
  if (!chegou) {
    console.log(`${String(ttl).padStart(2)}  *`)
    continue
  }
  console.log(
    `${String(ttl).padStart(2)}  ${endereco}  ${(performance.now() - inicio).toFixed(1)} ms  (ECONNREFUSED: porta inalcançável)`,
  )
  console.log(`Chegou a ${SERVER_HOST} em ${ttl} saltos`)
  process.exit(0)
}
console.log(`Não chegou a ${SERVER_HOST} em ${MAX_SALTOS} saltos`)
process.exit(1)
