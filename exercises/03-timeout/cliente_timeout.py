import socket

cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    # TODO: defina um tempo limite de 5 segundos
    cliente.connect(('server', 12345))
    cliente.send("Teste de timeout".encode('utf-8'))
    resposta = cliente.recv(1024).decode('utf-8')
    print("Resposta do servidor:", resposta)
# TODO: trate socket.timeout imprimindo "A conexão expirou."
# TODO: trate socket.error imprimindo f"Erro de socket: {e}"
finally:
    cliente.close()
