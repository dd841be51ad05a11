# The seed's persistent server ("Comunicação Bidirecional e Persistente"), reading line by line: TCP is a byte
# stream, and messages held back by a network cut arrive together, so each message ends with a newline.
import socket

servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servidor.bind(('0.0.0.0', 12345))
servidor.listen(5)
print("Servidor esperando por conexões...")

while True:
    cliente, endereco = servidor.accept()
    print(f"Conexão estabelecida com {endereco}")
    for linha in cliente.makefile('r', encoding='utf-8'):
        print(f"Cliente: {linha.rstrip()}")
        cliente.sendall("Mensagem recebida!\n".encode('utf-8'))
    cliente.close()
