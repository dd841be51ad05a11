# A chat client in the seed's persistent style: numbered messages every 200 ms over one connection, then it
# waits for the server to confirm each one.
import socket
import time

TOTAL = 40

cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cliente.connect(('server', 12345))
for numero in range(1, TOTAL + 1):
    print(f"Enviada: Mensagem {numero}")
    cliente.sendall(f"Mensagem {numero}\n".encode('utf-8'))
    time.sleep(0.2)

cliente.settimeout(30)
respostas = cliente.makefile('r', encoding='utf-8')
confirmadas = 0
while confirmadas < TOTAL and respostas.readline() == "Mensagem recebida!\n":
    confirmadas += 1
print(f"{confirmadas} de {TOTAL} mensagens confirmadas")
cliente.close()
