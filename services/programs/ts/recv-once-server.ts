// The seed's TCP server reading the way it does, with a single recv(1024), bound to 0.0.0.0; it prints how many
// bytes that one recv returned instead of the text.
import net from 'node:net'
import { PORT, accept, pythonAddress, recv } from './sock.ts'

const servidor = net.createServer({ pauseOnConnect: true })
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 })
await new Promise((resolve) => servidor.once('listening', resolve))
console.log('Servidor esperando por conexões...')

for await (const cliente of accept(servidor)) {
  console.log(`Conexão estabelecida com ${pythonAddress(cliente)}`)
  const dados = await recv(cliente, 1024)
  console.log(`Bytes recebidos do cliente: ${dados.length}`)
  // Python's close() with bytes still unread makes the kernel reset the connection (RST). Node has already moved
  // them from the kernel into its own buffer, so it has to ask for the reset.
  if (cliente.readableLength > 0) cliente.resetAndDestroy()
  else cliente.destroy()
}
