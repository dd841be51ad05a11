// Sends the same random bytes (KiB count: first argument) to each server named after it, one after the other:
// the bytes and a FIN (Python's sendall and shutdown(SHUT_WR)), then waits for the server to close. A server that
// closes with bytes still unread answers with a reset (RST), which this client reports instead of crashing.
import { createHash, randomBytes } from 'node:crypto'
import { PORT, connect } from './sock.ts'

const dados = randomBytes(Number(process.argv[2]) * 1024)
console.log(`SHA-256 dos dados: ${createHash('sha256').update(dados).digest('hex')}`)

for (const servidor of process.argv.slice(3)) {
  const cliente = await connect(servidor, PORT)
  const reset = await new Promise<boolean>((resolve) => {
    cliente
      .once('error', () => resolve(true))
      .once('end', () => resolve(false))
      .once('close', () => resolve(false))
    cliente.resume()
    cliente.end(dados)
  })
  console.log(
    reset
      ? `${servidor}: a conexão foi reiniciada pelo servidor (RST)`
      : `${servidor}: ${dados.length} bytes enviados; o servidor fechou a conexão`,
  )
  cliente.destroy()
}
