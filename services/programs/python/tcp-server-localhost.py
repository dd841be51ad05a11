# The seed's "Exemplo de Servidor TCP" exactly as written: bound to localhost, so only its own host reaches it.
import socket

# Criação do socket
servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# Vincula o socket ao endereço IP e porta
servidor.bind(('localhost', 12345))

# Coloca o servidor em modo de escuta (aceitando conexões)
servidor.listen(5)
print("Servidor esperando por conexões...")

while True:
    # Aceitar uma conexão
    cliente, endereco = servidor.accept()
    print(f"Conexão estabelecida com {endereco}")

    # Enviar uma mensagem para o cliente
    mensagem = "Bem-vindo ao servidor!"
    cliente.send(mensagem.encode('utf-8'))

    # Receber dados do cliente
    dados = cliente.recv(1024).decode('utf-8')
    print(f"Mensagem recebida do cliente: {dados}")

    # Encerrar a conexão com o cliente
    cliente.close()
