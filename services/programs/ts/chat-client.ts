// A client for the seed's persistent server: one connection, N messages (its first argument, default 5), each
// answered before the next is sent, then close.
import { PORT, SERVER_HOST, connect, recv, send } from './sock.ts'

const total = Number(process.argv[2] ?? 5)

const cliente = await connect(SERVER_HOST, PORT)
for (let i = 1; i <= total; i++) {
  await send(cliente, `Mensagem ${i}`)
  const resposta = (await recv(cliente, 1024)).toString('utf8')
  console.log(`Resposta do servidor: ${resposta}`)
}
cliente.destroy()
