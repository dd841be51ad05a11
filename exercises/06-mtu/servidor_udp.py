import socket

# TODO: crie um socket UDP e vincule-o a todas as interfaces, porta 12345
print("Servidor UDP esperando por mensagens...")

while True:
    # TODO: receba um datagrama com recvfrom(); quantos bytes cabem num datagrama UDP?
    # TODO: imprima "Datagrama de {n} bytes recebido de {endereco}" e responda "Recebidos {n} bytes"
    pass
