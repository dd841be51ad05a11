# Sends numbered datagrams, each with a checksum of its text, then says it is done over TCP.
import socket
import sys
import time
import zlib

total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
servidor = (socket.gethostbyname('server'), 12345)

cliente = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for numero in range(1, total + 1):
    mensagem = f"datagrama {numero}"
    soma = zlib.crc32(mensagem.encode('utf-8'))
    cliente.sendto(f"{mensagem} {soma:08x}".encode('utf-8'), servidor)
    # Um datagrama por milissegundo: o buffer do servidor nunca transborda, e toda perda é a da rede
    time.sleep(0.001)
cliente.close()
print(f"Enviados {total} datagramas")

# O aviso de fim vai por TCP: a perda de datagramas não o alcança
fim = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
fim.connect(servidor)
fim.sendall(f"fim {total}".encode('utf-8'))
# Espera o servidor fechar: um atraso na rede pode segurar o aviso, e ele se perderia com o fim deste host
fim.recv(1)
fim.close()
