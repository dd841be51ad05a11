# The UDP counterpart of tcp-chat-client: numbered datagrams every 200 ms to the seed's UDP server, then it
# counts the answers. A lost answer never comes, so settimeout ends the wait.
import os
import socket
import time

TOTAL = 40
servidor = (socket.gethostbyname(os.environ.get('LAB_SERVER_HOST', 'server')), 12345)

cliente = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for numero in range(1, TOTAL + 1):
    print(f"Enviada: Mensagem {numero}")
    cliente.sendto(f"Mensagem {numero}".encode('utf-8'), servidor)
    time.sleep(0.2)

cliente.settimeout(1)
respostas = 0
try:
    while True:
        cliente.recvfrom(1024)
        respostas += 1
except socket.timeout:
    pass
print(f"Respostas recebidas: {respostas} de {TOTAL}")
cliente.close()
