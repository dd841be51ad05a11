# Receives numbered datagrams and checks each one's checksum, until the client says over TCP that it is done.
# An end marker over TCP, which a loss fault on UDP does not touch, always arrives; an idle gap would guess.
import select
import socket
import zlib

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(('0.0.0.0', 12345))
fim = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
fim.bind(('0.0.0.0', 12345))
fim.listen(1)
print("Servidor UDP esperando por datagramas numerados...")

chegaram = 0
while True:
    prontos, _, _ = select.select([udp, fim], [], [])
    # Datagramas primeiro: os enviados antes do aviso de fim já estão na fila quando a conexão chega
    if udp in prontos:
        dados, endereco = udp.recvfrom(1024)
        texto = dados.decode('utf-8', errors='replace')
        mensagem, _, soma = texto.rpartition(' ')
        if mensagem.startswith('datagrama ') and soma == f"{zlib.crc32(mensagem.encode('utf-8')):08x}":
            print(f"Datagrama {mensagem.split()[1]} recebido")
        else:
            print(f"Datagrama corrompido: {texto}")
        chegaram += 1
        continue
    conexao, _ = fim.accept()
    enviados = conexao.recv(1024).decode('utf-8').split()[1]
    conexao.close()
    break

print(f"Fim: o cliente enviou {enviados} datagramas, chegaram {chegaram}")
