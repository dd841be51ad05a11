// The seed's TCP client ("Exemplo de Cliente TCP"), connecting to the lab's server (LAB_SERVER_HOST) instead of
// localhost; its first argument, when given, says which client it is (multi-client runs several).
import { PORT, SERVER_HOST, connect, recv, send } from './sock.ts'

const cliente = await connect(SERVER_HOST, PORT)
const mensagem = (await recv(cliente, 1024)).toString('utf8')
console.log(`Mensagem do servidor: ${mensagem}`)
const nome = process.argv[2] ? ` (${process.argv[2]})` : ''
await send(cliente, `Olá, servidor!${nome}`)
cliente.destroy()
