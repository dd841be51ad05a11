# Sends a datagram bigger than the path's MTU, which IP carries in fragments; then one with the Don't Fragment
# bit (IP_MTU_DISCOVER = IP_PMTUDISC_DO), which the router cannot forward: it drops it and tells the sender
# (ICMP "fragmentation needed"), and the next send fails with EMSGSIZE.
import errno
import socket

GRANDE = 3000
SEM_FRAGMENTAR = 1400  # cabe no MTU 1500 da rede do cliente, mas não no 1280 do caminho
# Constantes do Linux (<linux/in.h>) que o módulo socket nem sempre exporta
IP_MTU_DISCOVER = getattr(socket, 'IP_MTU_DISCOVER', 10)
IP_PMTUDISC_DO = getattr(socket, 'IP_PMTUDISC_DO', 2)
IP_MTU = getattr(socket, 'IP_MTU', 14)

cliente = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
cliente.settimeout(3)
cliente.sendto(b'x' * GRANDE, ('server', 12345))
dados, _ = cliente.recvfrom(1024)
print(f"Resposta do servidor: {dados.decode('utf-8')}")
cliente.close()

df = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
df.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
df.connect(('server', 12345))
df.settimeout(1)
df.send(b'y' * SEM_FRAGMENTAR)
try:
    dados = df.recv(1024)
    print(f"Resposta do servidor: {dados.decode('utf-8')}")
except socket.timeout:
    print(f"Sem resposta ao datagrama de {SEM_FRAGMENTAR} bytes com DF")
except OSError as erro:
    # o aviso do roteador (ICMP) chega como erro do socket conectado
    print(f"Com DF: {errno.errorcode.get(erro.errno, erro.errno)} ({erro.strerror})")
try:
    df.send(b'y' * SEM_FRAGMENTAR)
    print("Com DF: o segundo envio passou")
except OSError as erro:
    print(f"Com DF: {errno.errorcode.get(erro.errno, erro.errno)} ({erro.strerror}); MTU do caminho: {df.getsockopt(socket.IPPROTO_IP, IP_MTU)}")
df.close()
