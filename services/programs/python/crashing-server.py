# The seed's persistent server ("Comunicação Bidirecional e Persistente"), greeting its client like "Exemplo de
# Servidor TCP", that crashes on the client's second message: server-crash shows what the client sees then.
import socket

# Servidor
servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servidor.bind(('0.0.0.0', 12345))
servidor.listen(5)
print("Servidor esperando por conexões...")

cliente, endereco = servidor.accept()
print(f"Conexão estabelecida com {endereco}")
cliente.send("Bem-vindo ao servidor!".encode('utf-8'))

mensagens = 0
while True:
    # Recebe mensagem do cliente
    dados = cliente.recv(1024).decode('utf-8')
    if not dados:
        break  # Se não houver dados, encerra a conexão
    print(f"Cliente: {dados}")

    mensagens += 1
    if mensagens == 2:
        raise RuntimeError("o servidor caiu no meio da conversa")

    # Envia resposta ao cliente
    cliente.send("Mensagem recebida!".encode('utf-8'))

cliente.close()
