# The seed's persistent server ("Comunicação Bidirecional e Persistente"), adapted only to bind 0.0.0.0 so a
# client on another host reaches it.
import socket

# Servidor
servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servidor.bind(('0.0.0.0', 12345))
servidor.listen(5)

cliente, endereco = servidor.accept()

while True:
    # Recebe mensagem do cliente
    dados = cliente.recv(1024).decode('utf-8')
    if not dados:
        break  # Se não houver dados, encerra a conexão
    print(f"Cliente: {dados}")

    # Envia resposta ao cliente
    cliente.send("Mensagem recebida!".encode('utf-8'))

cliente.close()
