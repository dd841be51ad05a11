// A TCP server in the seed's shape that sends each client 1 MiB, then closes: something big enough to time.
import net from 'node:net'
import { PORT, accept, pythonAddress, send } from './sock.ts'

const TAMANHO = 1024 * 1024

const servidor = net.createServer({ pauseOnConnect: true })
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 })
await new Promise((resolve) => servidor.once('listening', resolve))
console.log('Servidor esperando por conexões...')

for await (const cliente of accept(servidor)) {
  console.log(`Conexão estabelecida com ${pythonAddress(cliente)}`)
  await send(cliente, Buffer.alloc(TAMANHO, 'x'))
  cliente.end()
  console.log(`Enviados ${TAMANHO} bytes`)
}
