// The seed's UDP client ("Cliente UDP"), sending to host `server` instead of localhost.
import { PORT, SERVER_HOST } from './sock.ts'
import { recvfrom, sendto, udpSocket } from './udp.ts'

const cliente = await udpSocket()
await sendto(cliente, 'Olá, servidor UDP!', SERVER_HOST, PORT)
const { data: dados } = await recvfrom(cliente)
console.log(`Resposta do servidor: ${dados.toString('utf8')}`)
cliente.close()
