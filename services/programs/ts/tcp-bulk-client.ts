// Receives everything the server sends and measures the throughput from the first byte to the last.
import { PORT, SERVER_HOST, connect, recv } from './sock.ts'

const cliente = await connect(SERVER_HOST, PORT)

let total = 0
let primeiro: number | undefined
let ultimo = 0
let antesDoIntervalo = 0
for (;;) {
  const dados = await recv(cliente, 65536)
  if (dados.length === 0) break
  ultimo = performance.now()
  if (primeiro === undefined) {
    // The interval starts when the first chunk arrives: its bytes do not count
    primeiro = ultimo
    antesDoIntervalo = dados.length
  }
  total += dados.length
}
cliente.destroy()

console.log(`Recebidos ${total} bytes`)
const segundos = (ultimo - primeiro!) / 1000
console.log(
  `Vazão: ${(((total - antesDoIntervalo) * 8) / segundos / 1000).toFixed(0)} kbit/s (do primeiro ao último byte, ${segundos.toFixed(2)} s)`,
)
