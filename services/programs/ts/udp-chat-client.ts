// The UDP counterpart of tcp-chat-client: numbered datagrams every 200 ms to the seed's UDP server, then it
// counts the answers. A lost answer never comes, so a timeout ends the wait.
import { lookup } from 'node:dns/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { PORT, SERVER_HOST } from './sock.ts'
import { recvfrom, sendto, udpSocket } from './udp.ts'

const TOTAL = 40
const { address: servidor } = await lookup(SERVER_HOST, { family: 4 })

const cliente = await udpSocket()
for (let numero = 1; numero <= TOTAL; numero++) {
  console.log(`Enviada: Mensagem ${numero}`)
  await sendto(cliente, `Mensagem ${numero}`, servidor, PORT)
  await sleep(200)
}

let respostas = 0
try {
  for (;;) {
    await recvfrom(cliente, 1000)
    respostas++
  }
} catch {
  // timed out: no more answers are coming
}
console.log(`Respostas recebidas: ${respostas} de ${TOTAL}`)
cliente.close()
