// A client for the seed's persistent server ("Comunicação Bidirecional e Persistente"), with the timeout and the
// exceptions of "Tratando Exceções e Timeout": it sends its messages one by one and stops when the server closes.
import type net from 'node:net'
import { PORT, SERVER_HOST, connect, isTimeout, recv, send, settimeout, socketErrorText } from './sock.ts'

const TIMEOUT_MS = 5000 // cliente.settimeout(5)
const mensagens = ['Olá, servidor!', 'Ainda está aí?', 'Até logo!']

let cliente: net.Socket | undefined
try {
  cliente = await connect(SERVER_HOST, PORT, TIMEOUT_MS)
  settimeout(cliente, TIMEOUT_MS)
  console.log(`Mensagem do servidor: ${(await recv(cliente, 1024)).toString('utf8')}`)
  for (const mensagem of mensagens) {
    await send(cliente, mensagem)
    const resposta = (await recv(cliente, 1024)).toString('utf8')
    if (!resposta) {
      // an empty recv is how the server's close (its FIN) reaches a program
      console.log('Conexão encerrada pelo servidor.')
      break
    }
    console.log(`Resposta do servidor: ${resposta}`)
  }
} catch (error) {
  if (isTimeout(error)) console.log('A conexão expirou.')
  else console.log(`Erro de socket: ${socketErrorText(error)}`)
} finally {
  cliente?.destroy()
}
