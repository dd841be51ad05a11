// Receives numbered datagrams and checks each one's checksum, until the client says over TCP that it is done.
// An end marker over TCP, which a loss fault on UDP does not touch, always arrives; an idle gap would guess.
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { crc32 } from 'node:zlib'
import { PORT, accept, recv } from './sock.ts'
import { recvfrom, udpSocket } from './udp.ts'

const udp = await udpSocket(PORT)
const fim = net.createServer({ pauseOnConnect: true }).listen({ host: '0.0.0.0', port: PORT, backlog: 1 })
await new Promise((resolve) => fim.once('listening', resolve))
console.log('Servidor UDP esperando por datagramas numerados...')

let chegaram = 0
void (async () => {
  for (;;) {
    const { data: dados } = await recvfrom(udp)
    const texto = dados.toString('utf8')
    const [mensagem, soma] = [texto.slice(0, texto.lastIndexOf(' ')), texto.slice(texto.lastIndexOf(' ') + 1)]
    if (mensagem.startsWith('datagrama ') && soma === crc32(mensagem).toString(16).padStart(8, '0')) {
      console.log(`Datagrama ${mensagem.split(' ')[1]} recebido`)
    } else {
      console.log(`Datagrama corrompido: ${texto}`)
    }
    chegaram++
  }
})()

const { value: conexao } = await accept(fim).next()
const enviados = (await recv(conexao!, 1024)).toString('utf8').split(' ')[1]
conexao!.destroy()
// Datagrams sent before the marker are already in the kernel's buffer; let the event loop read the last ones
await sleep(100)
console.log(`Fim: o cliente enviou ${enviados} datagramas, chegaram ${chegaram}`)
process.exit(0)
