# A UDP server in the seed's shape that says how big each datagram was: a datagram sent in IP fragments arrives
# whole (the kernel puts the fragments back together) or not at all.
import socket

servidor = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
servidor.bind(('0.0.0.0', 12345))
print("Servidor UDP esperando por mensagens...")

while True:
    dados, endereco = servidor.recvfrom(65535)
    print(f"Datagrama de {len(dados)} bytes recebido de {endereco}")
    servidor.sendto(f"Recebidos {len(dados)} bytes".encode('utf-8'), endereco)
