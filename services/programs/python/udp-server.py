# The seed's "Servidor UDP", adapted only to bind 0.0.0.0 so clients on other hosts reach it.
import socket

# Criar o socket UDP
servidor = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# Vincular o socket ao endereço e porta
servidor.bind(('0.0.0.0', 12345))

print("Servidor UDP esperando por mensagens...")

while True:
    # Receber dados de um cliente (datagrama)
    dados, endereco = servidor.recvfrom(1024)
    print(f"Mensagem recebida de {endereco}: {dados.decode('utf-8')}")

    # Enviar uma resposta ao cliente
    servidor.sendto("Mensagem recebida!".encode('utf-8'), endereco)
