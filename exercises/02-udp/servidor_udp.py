import socket

# TODO: crie um socket UDP (SOCK_DGRAM) e vincule-o a todas as interfaces, porta 12345
print("Servidor UDP esperando por mensagens...")

while True:
    # TODO: receba um datagrama com recvfrom(1024) e imprima "Mensagem recebida de {endereco}: {mensagem}"
    # TODO: responda "Mensagem recebida!" com sendto() para o mesmo endereço
    pass
