# The seed's "Tratando Exceções e Timeout" example, adapted only to reach host `server` (or LAB_SERVER_HOST)
# instead of localhost.
import os
import socket

try:
    # Criar o socket
    cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

    # Definir um tempo limite para a conexão
    cliente.settimeout(5)  # 5 segundos

    # Tentar conectar ao servidor
    cliente.connect((os.environ.get('LAB_SERVER_HOST', 'server'), 12345))

    # Enviar dados
    cliente.send("Teste de timeout".encode('utf-8'))

    # Receber resposta
    resposta = cliente.recv(1024).decode('utf-8')
    print("Resposta do servidor:", resposta)

except socket.timeout:
    print("A conexão expirou.")

except socket.error as e:
    print(f"Erro de socket: {e}")

finally:
    # Fechar a conexão
    cliente.close()
