// The seed's "Tratando Exceções e Timeout" client, reaching host `server` (LAB_SERVER_HOST) instead of localhost.
import type net from 'node:net'
import { PORT, SERVER_HOST, connect, isTimeout, recv, send, settimeout, socketErrorText } from './sock.ts'

const TIMEOUT_MS = 5000 // cliente.settimeout(5)

let cliente: net.Socket | undefined
try {
  cliente = await connect(SERVER_HOST, PORT, TIMEOUT_MS)
  settimeout(cliente, TIMEOUT_MS)
  await send(cliente, 'Teste de timeout')
  const resposta = (await recv(cliente, 1024)).toString('utf8')
  console.log('Resposta do servidor:', resposta)
} catch (error) {
  if (isTimeout(error)) console.log('A conexão expirou.')
  else console.log(`Erro de socket: ${socketErrorText(error)}`)
} finally {
  cliente?.destroy()
}
