// Sends a datagram bigger than the path's MTU, which IP carries in fragments; then one that fits this host's
// network but not the path. Node's dgram cannot set the Don't Fragment bit (no IP_MTU_DISCOVER) nor read the ICMP
// error that answers it; but Linux's default path-MTU discovery (IP_PMTUDISC_WANT) sets DF on every datagram that
// fits the route, so the router drops this one and answers "fragmentation needed". This program only sees that no
// reply came; the kernel saw the ICMP, lowered the path's MTU, and fragments the resent datagram. The scenario's
// checks read the DF bit and the ICMP from the capture, which hold for this program and the Python one alike.
import { lookup } from 'node:dns/promises'
import { PORT, SERVER_HOST } from './sock.ts'
import { recvfrom, sendto, udpSocket } from './udp.ts'

const GRANDE = 3000
const SEM_FRAGMENTAR = 1400 // cabe no MTU 1500 da rede do cliente, mas não no 1280 do caminho
const { address: servidor } = await lookup(SERVER_HOST, { family: 4 })

const cliente = await udpSocket()
await sendto(cliente, Buffer.alloc(GRANDE, 'x'), servidor, PORT)
console.log(`Resposta do servidor: ${(await recvfrom(cliente, 3000)).data.toString('utf8')}`)

await sendto(cliente, Buffer.alloc(SEM_FRAGMENTAR, 'y'), servidor, PORT)
try {
  console.log(`Resposta do servidor: ${(await recvfrom(cliente, 1000)).data.toString('utf8')}`)
} catch {
  console.log(`Sem resposta ao datagrama de ${SEM_FRAGMENTAR} bytes com DF`)
  await sendto(cliente, Buffer.alloc(SEM_FRAGMENTAR, 'y'), servidor, PORT)
  console.log(`Reenviado: ${(await recvfrom(cliente, 3000)).data.toString('utf8')}`)
}
cliente.close()
