// The seed's TCP server exactly as written: bound to localhost, so only programs on its own host reach it.
import net from 'node:net'
import { PORT, accept, pythonAddress, recv, send } from './sock.ts'

const servidor = net.createServer({ pauseOnConnect: true })
// Python's bind(('localhost', 12345)) on an AF_INET socket: the IPv4 loopback.
servidor.listen({ host: '127.0.0.1', port: PORT, backlog: 5 })
await new Promise((resolve) => servidor.once('listening', resolve))
console.log('Servidor esperando por conexões...')

for await (const cliente of accept(servidor)) {
  console.log(`Conexão estabelecida com ${pythonAddress(cliente)}`)
  await send(cliente, 'Bem-vindo ao servidor!')
  const dados = (await recv(cliente, 1024)).toString('utf8')
  console.log(`Mensagem recebida do cliente: ${dados}`)
  cliente.destroy()
}
