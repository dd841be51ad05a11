// The seed's server with a receive loop: recv(1024) until the client closes (an empty recv), then prints how
// many bytes arrived, in how many recv calls, and their SHA-256.
import { createHash } from 'node:crypto'
import net from 'node:net'
import { PORT, accept, pythonAddress, recv } from './sock.ts'

const servidor = net.createServer({ pauseOnConnect: true })
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 })
await new Promise((resolve) => servidor.once('listening', resolve))
console.log('Servidor esperando por conexões...')

for await (const cliente of accept(servidor)) {
  console.log(`Conexão estabelecida com ${pythonAddress(cliente)}`)
  const partes: Buffer[] = []
  for (;;) {
    const parte = await recv(cliente, 1024)
    if (!parte.length) break
    partes.push(parte)
  }
  const dados = Buffer.concat(partes)
  console.log(`Bytes recebidos do cliente: ${dados.length} em ${partes.length} chamadas de recv`)
  console.log(`SHA-256 dos dados: ${createHash('sha256').update(dados).digest('hex')}`)
  cliente.destroy()
}
