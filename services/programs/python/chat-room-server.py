# A chat room: the next step after the seed's one-client loop. accept() keeps running while one thread per client
# reads its lines, and each line goes to every other client as "nome: texto", in the order it arrived.
import socket
import threading

clientes = {}  # conexão -> nome
trava = threading.Lock()


def enviar(texto, exceto=None):
    # Sob a trava: duas threads não intercalam suas mensagens, e cada remetente chega em ordem a todos
    with trava:
        for conexao in clientes:
            if conexao is not exceto:
                try:
                    conexao.sendall(texto.encode('utf-8'))
                except OSError:
                    pass  # quem saiu é removido pela sua própria thread


def atender(conexao):
    linhas = conexao.makefile('r', encoding='utf-8')
    nome = linhas.readline().strip()
    with trava:
        clientes[conexao] = nome
        presentes = len(clientes)
    print(f"{nome} entrou ({presentes} na sala)")
    enviar(f"* {presentes} na sala\n")
    try:
        for linha in linhas:
            print(f"{nome}: {linha.rstrip()}")
            enviar(f"{nome}: {linha}", exceto=conexao)
    except OSError:
        pass
    with trava:
        del clientes[conexao]
    conexao.close()
    print(f"{nome} saiu")
    enviar(f"* {nome} saiu\n")


servidor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servidor.bind(('0.0.0.0', 12345))
servidor.listen(5)
print("Servidor de chat esperando por conexões...")

while True:
    conexao, endereco = servidor.accept()
    threading.Thread(target=atender, args=(conexao,), daemon=True).start()
