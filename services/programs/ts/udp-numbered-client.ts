// Sends numbered datagrams, each with a checksum of its text, then says it is done over TCP.
import { lookup } from 'node:dns/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { crc32 } from 'node:zlib'
import { PORT, SERVER_HOST, connect, recv, send } from './sock.ts'
import { sendto, udpSocket } from './udp.ts'

const total = Number(process.argv[2] ?? 1000)
const { address: servidor } = await lookup(SERVER_HOST, { family: 4 })

const cliente = await udpSocket()
for (let numero = 1; numero <= total; numero++) {
  const mensagem = `datagrama ${numero}`
  const soma = crc32(mensagem).toString(16).padStart(8, '0')
  await sendto(cliente, `${mensagem} ${soma}`, servidor, PORT)
  // One datagram a millisecond: the server's buffer never overflows, so every loss is the network's
  await sleep(1)
}
cliente.close()
console.log(`Enviados ${total} datagramas`)

// The end marker goes over TCP: datagram loss does not reach it
const fim = await connect(servidor, PORT)
await send(fim, `fim ${total}`)
// Waits for the server to close: a delay on the way may still hold the marker, which would die with this host
await recv(fim, 1)
fim.end()
