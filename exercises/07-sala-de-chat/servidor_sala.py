import socket
import threading

clientes = {}  # conexão -> nome
trava = threading.Lock()


def atender(conexao):
    linhas = conexao.makefile('r', encoding='utf-8')
    nome = linhas.readline().strip()
    # TODO: registre o cliente em `clientes`, imprima "{nome} entrou ({n} na sala)"
    #       e envie "* {n} na sala\n" a TODOS os clientes
    for linha in linhas:
        # TODO: imprima "{nome}: {linha}" e envie "{nome}: {linha}" a todos os OUTROS clientes
        pass
    # TODO: tire o cliente de `clientes`, feche a conexão, imprima "{nome} saiu"


servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# TODO: vincule a todas as interfaces, porta 12345, e escute
print("Servidor de chat esperando por conexões...")

while True:
    conexao, endereco = servidor.accept()
    # TODO: atenda cada cliente numa thread, para o accept() voltar logo ao próximo
