import socket

servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# TODO: vincule a todas as interfaces, porta 12345, e escute
print("Servidor esperando por conexões...")

while True:
    # TODO: aceite uma conexão e imprima "Conexão estabelecida com {endereco}"
    # TODO: envie "Bem-vindo ao servidor!", receba a resposta, imprima "Mensagem recebida do cliente: {dados}"
    # TODO: feche a conexão com o cliente
    pass
