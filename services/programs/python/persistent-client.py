# A client for the seed's persistent server ("Comunicação Bidirecional e Persistente"), with the timeout and the
# exceptions of "Tratando Exceções e Timeout": it sends its messages one by one and stops when the server closes.
import os
import socket

mensagens = ["Olá, servidor!", "Ainda está aí?", "Até logo!"]

try:
    cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cliente.settimeout(5)  # 5 segundos
    cliente.connect((os.environ.get('LAB_SERVER_HOST', 'server'), 12345))

    mensagem = cliente.recv(1024).decode('utf-8')
    print(f"Mensagem do servidor: {mensagem}")

    for mensagem in mensagens:
        cliente.send(mensagem.encode('utf-8'))
        resposta = cliente.recv(1024).decode('utf-8')
        if not resposta:
            # recv() devolve b'' quando o servidor fechou a conexão
            print("Conexão encerrada pelo servidor.")
            break
        print(f"Resposta do servidor: {resposta}")

except socket.timeout:
    print("A conexão expirou.")

except socket.error as e:
    print(f"Erro de socket: {e}")

finally:
    cliente.close()
