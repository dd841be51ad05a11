# The seed's "Cliente UDP", adapted only to send to host `server` instead of localhost.
import socket

# Criar o socket UDP
cliente = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# Enviar mensagem ao servidor
mensagem = "Olá, servidor UDP!"
cliente.sendto(mensagem.encode('utf-8'), ('server', 12345))

# Receber resposta do servidor
dados, servidor = cliente.recvfrom(1024)
print(f"Resposta do servidor: {dados.decode('utf-8')}")

# Fechar o socket
cliente.close()
