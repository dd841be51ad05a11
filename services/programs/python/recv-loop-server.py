# The seed's server with a receive loop: recv(1024) until the client closes (recv returns b''), then prints how
# many bytes arrived, in how many recv calls, and their SHA-256.
import hashlib
import socket

servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servidor.bind(('0.0.0.0', 12345))
servidor.listen(5)
print("Servidor esperando por conexões...")

while True:
    cliente, endereco = servidor.accept()
    print(f"Conexão estabelecida com {endereco}")

    # Receber até o cliente fechar: o TCP entrega bytes, não mensagens
    partes = []
    while True:
        parte = cliente.recv(1024)
        if not parte:
            break
        partes.append(parte)
    dados = b"".join(partes)
    print(f"Bytes recebidos do cliente: {len(dados)} em {len(partes)} chamadas de recv")
    print(f"SHA-256 dos dados: {hashlib.sha256(dados).hexdigest()}")

    cliente.close()
