# The seed's "Exemplo de Cliente TCP", adapted only to reach the lab's server (LAB_SERVER_HOST, default `server`)
# instead of localhost, and to say which client it is when the lab runs several (its first argument).
import os
import socket
import sys

# Criar um socket para o cliente
cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# Conectar ao servidor (usando o endereço IP e porta)
cliente.connect((os.environ.get('LAB_SERVER_HOST', 'server'), 12345))

# Receber mensagem do servidor
mensagem = cliente.recv(1024).decode('utf-8')
print(f"Mensagem do servidor: {mensagem}")

# Enviar uma mensagem ao servidor
nome = f" ({sys.argv[1]})" if len(sys.argv) > 1 else ""
cliente.send(f"Olá, servidor!{nome}".encode('utf-8'))

# Fechar a conexão
cliente.close()
