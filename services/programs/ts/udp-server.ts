// The seed's UDP server ("Servidor UDP"), bound to 0.0.0.0 so clients on other hosts reach it.
import { PORT } from './sock.ts'
import { pythonAddress, recvfrom, sendto, udpSocket } from './udp.ts'

const servidor = await udpSocket(PORT)
console.log('Servidor UDP esperando por mensagens...')

for (;;) {
  const { data: dados, ...endereco } = await recvfrom(servidor)
  console.log(`Mensagem recebida de ${pythonAddress(endereco)}: ${dados.toString('utf8')}`)
  await sendto(servidor, 'Mensagem recebida!', endereco.address, endereco.port)
}
