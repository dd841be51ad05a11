// The seed's TCP server ("Exemplo de Servidor TCP"), bound to 0.0.0.0 so clients on other hosts reach it.
import net from 'node:net'
import { PORT, accept, pythonAddress, recv, send } from './sock.ts'

const servidor = net.createServer({ pauseOnConnect: true })
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 })
await new Promise((resolve) => servidor.once('listening', resolve))
console.log('Servidor esperando por conexões...')

for await (const cliente of accept(servidor)) {
  console.log(`Conexão estabelecida com ${pythonAddress(cliente)}`)
  await send(cliente, 'Bem-vindo ao servidor!')
  const dados = (await recv(cliente, 1024)).toString('utf8')
  console.log(`Mensagem recebida do cliente: ${dados}`)
  cliente.destroy()
}
