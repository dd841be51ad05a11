// The seed's TCP client ("Exemplo de Cliente TCP"), connecting to host `server` instead of localhost.
import { PORT, SERVER_HOST, connect, recv, send } from './sock.ts'

const cliente = await connect(SERVER_HOST, PORT)
const mensagem = (await recv(cliente, 1024)).toString('utf8')
console.log(`Mensagem do servidor: ${mensagem}`)
await send(cliente, 'Olá, servidor!')
cliente.destroy()
