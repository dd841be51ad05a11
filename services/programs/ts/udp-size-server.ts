// A UDP server in the seed's shape that says how big each datagram was: a datagram sent in IP fragments arrives
// whole (the kernel puts the fragments back together) or not at all.
import { PORT } from './sock.ts'
import { pythonAddress, recvfrom, sendto, udpSocket } from './udp.ts'

const servidor = await udpSocket(PORT)
console.log('Servidor UDP esperando por mensagens...')

for (;;) {
  const { data: dados, ...endereco } = await recvfrom(servidor)
  console.log(`Datagrama de ${dados.length} bytes recebido de ${pythonAddress(endereco)}`)
  await sendto(servidor, `Recebidos ${dados.length} bytes`, endereco.address, endereco.port)
}
