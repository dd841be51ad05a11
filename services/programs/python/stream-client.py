# Sends the same random bytes (KiB count: first argument) to each server named after it, one after the other:
# sendall, shutdown of its sending side, then waits for the server to close. A server that closes with bytes
# still unread answers with a reset (RST), which this client reports instead of crashing.
import hashlib
import os
import socket
import sys

dados = os.urandom(int(sys.argv[1]) * 1024)
print(f"SHA-256 dos dados: {hashlib.sha256(dados).hexdigest()}")

for servidor in sys.argv[2:]:
    cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cliente.connect((servidor, 12345))
    try:
        cliente.sendall(dados)
        cliente.shutdown(socket.SHUT_WR)
        cliente.recv(1024)
        print(f"{servidor}: {len(dados)} bytes enviados; o servidor fechou a conexão")
    except OSError:
        # ECONNRESET, EPIPE or ENOTCONN, depending on which call the reset reached first
        print(f"{servidor}: a conexão foi reiniciada pelo servidor (RST)")
    cliente.close()
