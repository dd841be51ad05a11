# A chat client with a deadline on every answer (settimeout): numbered messages every 200 ms, each waiting at most
# 1 s for the server's confirmation. When the path goes down for longer than that, it says so at once instead of
# waiting for TCP's retransmissions to get through.
import os
import socket
import time

TOTAL = 40

cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cliente.settimeout(1)  # 1 segundo
cliente.connect((os.environ.get('LAB_SERVER_HOST', 'server'), 12345))
try:
    for numero in range(1, TOTAL + 1):
        print(f"Enviada: Mensagem {numero}")
        cliente.sendall(f"Mensagem {numero}\n".encode('utf-8'))
        if cliente.recv(1024).decode('utf-8') != "Mensagem recebida!\n":
            print("Conexão encerrada pelo servidor.")
            break
        time.sleep(0.2)
    else:
        print(f"{TOTAL} de {TOTAL} mensagens confirmadas")
except socket.timeout:
    print(f"A conexão expirou: Mensagem {numero} sem resposta em 1 s")
cliente.close()
