import socket

servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# TODO: vincule a todas as interfaces, porta 12345, e escute
cliente, endereco = servidor.accept()

while True:
    # TODO: receba uma mensagem; se vier vazia, o cliente fechou: saia do laço
    # TODO: imprima "Cliente: {dados}" e responda "Mensagem recebida!"
    pass

cliente.close()
