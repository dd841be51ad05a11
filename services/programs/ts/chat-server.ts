// The seed's persistent server ("Comunicação Bidirecional e Persistente"), bound to 0.0.0.0 so a client on
// another host reaches it: one connection, a loop of recv and send until the client closes.
import net from 'node:net'
import { PORT, accept, recv, send } from './sock.ts'

const servidor = net.createServer({ pauseOnConnect: true })
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 })

const { value: cliente } = await accept(servidor).next()
if (!cliente) throw new Error('no connection accepted')

for (;;) {
  const dados = (await recv(cliente, 1024)).toString('utf8')
  if (!dados) break // Se não houver dados, encerra a conexão
  console.log(`Cliente: ${dados}`)
  await send(cliente, 'Mensagem recebida!')
}

cliente.destroy()
// Python's script ends here, and with it the listening socket and any connection still queued on it. Node has
// already accepted such connections on its own, and they would keep it running: exit explicitly.
process.exit(0)
