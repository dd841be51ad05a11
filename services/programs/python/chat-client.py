# A client for the seed's persistent server: one connection, N messages (its first argument, default 5), each
# answered before the next is sent, then close.
import os
import socket
import sys

total = int(sys.argv[1]) if len(sys.argv) > 1 else 5

cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cliente.connect((os.environ.get('LAB_SERVER_HOST', 'server'), 12345))

for i in range(1, total + 1):
    cliente.send(f"Mensagem {i}".encode('utf-8'))
    resposta = cliente.recv(1024).decode('utf-8')
    print(f"Resposta do servidor: {resposta}")

cliente.close()
