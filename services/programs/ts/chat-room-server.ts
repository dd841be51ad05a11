// A chat room: the next step after the seed's one-client loop. Node serves every client at once on its event
// loop (Python needs a thread each); each line a client sends goes to every other client as "nome: texto", in
// the order it arrived.
import net from 'node:net'
import readline from 'node:readline'
import { PORT } from './sock.ts'

const clientes = new Map<net.Socket, string>()

function enviar(texto: string, exceto?: net.Socket): void {
  for (const conexao of clientes.keys()) if (conexao !== exceto) conexao.write(texto)
}

const servidor = net.createServer((conexao) => {
  conexao.on('error', () => {}) // quem saiu de repente sai da sala no 'close'
  let nome: string | undefined
  const linhas = readline.createInterface({ input: conexao, crlfDelay: Infinity })
  linhas.on('error', () => {}) // o readline repassa o erro da conexão (ECONNRESET): o 'close' cuida da saída
  linhas.on('line', (linha) => {
    if (nome === undefined) {
      nome = linha.trim()
      clientes.set(conexao, nome)
      console.log(`${nome} entrou (${clientes.size} na sala)`)
      enviar(`* ${clientes.size} na sala\n`)
      return
    }
    console.log(`${nome}: ${linha}`)
    enviar(`${nome}: ${linha}\n`, conexao)
  })
  conexao.on('close', () => {
    if (!clientes.delete(conexao)) return
    console.log(`${nome} saiu`)
    enviar(`* ${nome} saiu\n`)
  })
})
servidor.listen({ host: '0.0.0.0', port: PORT, backlog: 5 }, () =>
  console.log('Servidor de chat esperando por conexões...'),
)
