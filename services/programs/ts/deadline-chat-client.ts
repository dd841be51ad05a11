// A chat client with a deadline on every answer (settimeout): numbered messages every 200 ms, each waiting at most
// 1 s for the server's confirmation. When the path goes down for longer than that, it says so at once instead of
// waiting for TCP's retransmissions to get through.
import { setTimeout as sleep } from 'node:timers/promises'
import { PORT, SERVER_HOST, connect, isTimeout, recv, send, settimeout } from './sock.ts'

const TOTAL = 40

const cliente = await connect(SERVER_HOST, PORT, 1000)
settimeout(cliente, 1000) // cliente.settimeout(1)
let numero = 1
try {
  for (; numero <= TOTAL; numero++) {
    console.log(`Enviada: Mensagem ${numero}`)
    await send(cliente, `Mensagem ${numero}\n`)
    if ((await recv(cliente, 1024)).toString('utf8') !== 'Mensagem recebida!\n') {
      console.log('Conexão encerrada pelo servidor.')
      break
    }
    await sleep(200)
  }
  if (numero > TOTAL) console.log(`${TOTAL} de ${TOTAL} mensagens confirmadas`)
} catch (error) {
  if (!isTimeout(error)) throw error
  console.log(`A conexão expirou: Mensagem ${numero} sem resposta em 1 s`)
}
cliente.destroy()
