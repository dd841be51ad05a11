// The seed's persistent server ("Comunicação Bidirecional e Persistente"), reading line by line: TCP is a byte
// stream, and messages held back by a network cut arrive together, so each message ends with a newline.
import net from 'node:net'
import readline from 'node:readline'
import { PORT, accept, pythonAddress, send } from './sock.ts'

const servidor = net.createServer({ pauseOnConnect: true })
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 })
await new Promise((resolve) => servidor.once('listening', resolve))
console.log('Servidor esperando por conexões...')

for await (const cliente of accept(servidor)) {
  console.log(`Conexão estabelecida com ${pythonAddress(cliente)}`)
  // Um cliente que cai de repente (ECONNRESET) encerra só a conversa com ele: o servidor segue para o próximo.
  // Sem isso, o erro repassado pelo readline derrubava o servidor, e com ele a conexão de quem esperava na fila.
  try {
    for await (const linha of readline.createInterface({ input: cliente, crlfDelay: Infinity })) {
      console.log(`Cliente: ${linha}`)
      await send(cliente, 'Mensagem recebida!\n')
    }
  } catch {
    // a conexão caiu: nada mais a ler dela
  }
  cliente.destroy()
}
