# A chat-room client: says its name (first argument), waits until the room holds 3, then sends its messages
# (second argument: how many) every 300 ms while a thread prints what the others say. With a third argument
# "sai" it leaves as soon as it has sent them; otherwise it stays until nobody has said anything for 1.5 s.
import os
import socket
import sys
import threading
import time

nome, total = sys.argv[1], int(sys.argv[2])
sai_logo = len(sys.argv) > 3 and sys.argv[3] == 'sai'
tela = threading.Lock()


def mostrar(texto):
    # Duas threads escrevem na tela: sem a trava, uma linha pode sair colada no meio da outra
    with tela:
        print(texto, flush=True)


cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cliente.settimeout(5)
cliente.connect((os.environ.get('LAB_SERVER_HOST', 'server'), 12345))
linhas = cliente.makefile('r', encoding='utf-8')
try:
    cliente.sendall(f"{nome}\n".encode('utf-8'))
    while not (linha := linhas.readline()).startswith("* 3 na sala"):
        if not linha:  # fim da conexão: o servidor fechou antes de a sala encher
            raise ConnectionResetError()
except ConnectionError:
    print("O servidor fechou a conexão antes de a sala encher.")
    sys.exit(1)
except socket.timeout:
    print("A sala não encheu: a conexão expirou.")
    sys.exit(1)
print("A sala está cheia")
cliente.settimeout(1.5)


def receber():
    try:
        for linha in linhas:
            mostrar(f"Recebida: {linha.rstrip()}")
    except (socket.timeout, OSError, ValueError):
        pass  # ninguém falou por 1,5 s, ou este cliente saiu


recebendo = threading.Thread(target=receber)
recebendo.start()
for numero in range(1, total + 1):
    cliente.sendall(f"Mensagem {numero}\n".encode('utf-8'))
    mostrar(f"Enviada: Mensagem {numero}")
    time.sleep(0.3)
if sai_logo:
    cliente.shutdown(socket.SHUT_RDWR)
    mostrar("Saí da sala")
recebendo.join()
cliente.close()
