# The seed's "Exemplo de Servidor TCP" reading the way it does, with a single recv(1024), bound to 0.0.0.0;
# it prints how many bytes that one recv returned instead of the text.
import socket

servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servidor.bind(('0.0.0.0', 12345))
servidor.listen(5)
print("Servidor esperando por conexões...")

while True:
    cliente, endereco = servidor.accept()
    print(f"Conexão estabelecida com {endereco}")

    # Receber dados do cliente: uma única chamada, como no guia
    dados = cliente.recv(1024)
    print(f"Bytes recebidos do cliente: {len(dados)}")

    cliente.close()
