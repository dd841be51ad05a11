import socket

servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# TODO: vincule o servidor a todas as interfaces, porta 12345, e coloque-o em modo de escuta
print("Servidor esperando por conexões...")

while True:
    # TODO: aceite uma conexão e imprima "Conexão estabelecida com {endereco}"
    # TODO: envie "Bem-vindo ao servidor!" (lembre-se: sockets enviam bytes)
    # TODO: receba a mensagem do cliente e imprima "Mensagem recebida do cliente: {dados}"
    # TODO: feche a conexão com o cliente
    pass
