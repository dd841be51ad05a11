// The seed's persistent server ("Comunicação Bidirecional e Persistente"), greeting its client like "Exemplo de
// Servidor TCP", that crashes on the client's second message: server-crash shows what the client sees then.
import net from 'node:net'
import { PORT, accept, pythonAddress, recv, send } from './sock.ts'

const servidor = net.createServer({ pauseOnConnect: true })
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 })
await new Promise((resolve) => servidor.once('listening', resolve))
console.log('Servidor esperando por conexões...')

const cliente = (await accept(servidor).next()).value as net.Socket
console.log(`Conexão estabelecida com ${pythonAddress(cliente)}`)
await send(cliente, 'Bem-vindo ao servidor!')

let mensagens = 0
for (;;) {
  const dados = (await recv(cliente, 1024)).toString('utf8')
  if (!dados) break
  console.log(`Cliente: ${dados}`)
  mensagens += 1
  if (mensagens === 2) {
    // dies like the Python server's uncaught RuntimeError: the error's last line on stderr, exit code 1
    console.error('Error: o servidor caiu no meio da conversa')
    process.exit(1)
  }
  await send(cliente, 'Mensagem recebida!')
}
cliente.destroy()
servidor.close()
