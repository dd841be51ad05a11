// A chat-room client: says its name (first argument), waits until the room holds 3, then sends its messages
// (second argument: how many) every 300 ms while it prints what the others say. With a third argument "sai" it
// leaves as soon as it has sent them; otherwise it stays until nobody has said anything for 1.5 s.
import readline from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { PORT, SERVER_HOST, connect, send } from './sock.ts'

const [nome, total] = [process.argv[2], Number(process.argv[3])]
const saiLogo = process.argv[4] === 'sai'

const cliente = await connect(SERVER_HOST, PORT, 5000)
// a server that closes at once may reset the connection before the name is even sent
const antesDeEncher = () => undefined
cliente.on('error', antesDeEncher)
const apresentou = send(cliente, `${nome}\n`).then(
  () => true,
  () => false,
)
const linhas = readline.createInterface({ input: cliente, crlfDelay: Infinity })
let cheia = false
const encheu = new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('timed out')), 5000)
  linhas.on('line', (linha) => {
    if (cheia) return console.log(`Recebida: ${linha}`)
    if (linha.startsWith('* 3 na sala')) {
      cheia = true
      clearTimeout(timer)
      resolve()
    }
  })
  // the server closed before the room filled
  linhas.once('close', () => cheia || reject(new Error('closed')))
  // readline passes the socket's errors on (a reset, there): before the room filled, one is the same end
  linhas.once('error', () => cheia || reject(new Error('closed')))
})
encheu.catch(() => undefined) // awaited below, after the name went out
try {
  if (!(await apresentou)) throw new Error('closed')
  await encheu
} catch (error) {
  console.log(
    (error as Error).message === 'closed'
      ? 'O servidor fechou a conexão antes de a sala encher.'
      : 'A sala não encheu: a conexão expirou.',
  )
  process.exit(1)
}
console.log('A sala está cheia')
cliente.off('error', antesDeEncher)
const fim = new Promise<void>((resolve) => cliente.once('close', () => resolve()))
cliente.setTimeout(1500, () => cliente.destroy()) // ninguém falou por 1,5 s

for (let numero = 1; numero <= total; numero++) {
  await send(cliente, `Mensagem ${numero}\n`)
  console.log(`Enviada: Mensagem ${numero}`)
  await sleep(300)
}
if (saiLogo) {
  cliente.destroy()
  console.log('Saí da sala')
}
await fim
