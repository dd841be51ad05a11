# A TCP server in the seed's shape that sends each client 1 MiB, then closes: something big enough to time.
import socket

TAMANHO = 1024 * 1024

servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servidor.bind(('0.0.0.0', 12345))
servidor.listen(5)
print("Servidor esperando por conexões...")

while True:
    cliente, endereco = servidor.accept()
    print(f"Conexão estabelecida com {endereco}")
    cliente.sendall(b'x' * TAMANHO)
    cliente.close()
    print(f"Enviados {TAMANHO} bytes")
