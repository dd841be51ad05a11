# The seed's "Exemplo de Cliente TCP", adapted only to reach host `server` instead of localhost.
import socket

# Criar um socket para o cliente
cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# Conectar ao servidor (usando o endereço IP e porta)
cliente.connect(('server', 12345))

# Receber mensagem do servidor
mensagem = cliente.recv(1024).decode('utf-8')
print(f"Mensagem do servidor: {mensagem}")

# Enviar uma mensagem ao servidor
cliente.send("Olá, servidor!".encode('utf-8'))

# Fechar a conexão
cliente.close()
