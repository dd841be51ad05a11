// A chat client in the seed's persistent style: numbered messages every 200 ms over one connection, then it
// waits for the server to confirm each one.
import readline from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { PORT, SERVER_HOST, connect, send } from './sock.ts'

const TOTAL = 40

const cliente = await connect(SERVER_HOST, PORT)
for (let numero = 1; numero <= TOTAL; numero++) {
  console.log(`Enviada: Mensagem ${numero}`)
  await send(cliente, `Mensagem ${numero}\n`)
  await sleep(200)
}

cliente.setTimeout(30_000, () => cliente.destroy())
let confirmadas = 0
for await (const resposta of readline.createInterface({ input: cliente, crlfDelay: Infinity })) {
  if (resposta !== 'Mensagem recebida!' || ++confirmadas === TOTAL) break
}
console.log(`${confirmadas} de ${TOTAL} mensagens confirmadas`)
cliente.destroy()
