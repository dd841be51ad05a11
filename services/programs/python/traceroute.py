# A small traceroute without privileges: UDP probes with TTL 1, 2, 3, … to a closed port of the server. Each router
# on the way answers the probe that dies with it (ICMP time exceeded), the server answers the last (ICMP port
# unreachable). A raw socket would need a capability; IP_RECVERR instead queues each ICMP error on the probe's own
# socket, with the address of who sent it, read by recvmsg(MSG_ERRQUEUE).
import os
import select
import socket
import struct
import time

DESTINO = os.environ.get('LAB_SERVER_HOST', 'server')
PORTA = 33434
MAX_SALTOS = 5
# Constantes do Linux que o módulo socket nem sempre exporta (<linux/in.h>, <linux/errqueue.h>)
IP_RECVERR = getattr(socket, 'IP_RECVERR', 11)
MSG_ERRQUEUE = getattr(socket, 'MSG_ERRQUEUE', 0x2000)
ICMP_PORTA_INALCANCAVEL = (3, 3)

endereco = socket.gethostbyname(DESTINO)
print(f"traceroute para {DESTINO} ({endereco}), {MAX_SALTOS} saltos no máximo")

for ttl in range(1, MAX_SALTOS + 1):
    sonda = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sonda.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    sonda.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    sonda.connect((endereco, PORTA + ttl))
    inicio = time.monotonic()
    sonda.send(b'sonda')
    espera = select.poll()
    espera.register(sonda, select.POLLERR)
    if not espera.poll(1000):
        print(f"{ttl:2d}  *")
        sonda.close()
        continue
    _, auxiliares, _, _ = sonda.recvmsg(512, 512, MSG_ERRQUEUE)
    sonda.close()
    for nivel, tipo, dados in auxiliares:
        if nivel != socket.IPPROTO_IP or tipo != IP_RECVERR:
            continue
        # struct sock_extended_err (16 bytes), seguida do sockaddr_in de quem mandou o ICMP
        _, _, icmp_tipo, icmp_codigo, _, _, _ = struct.unpack('=IBBBBII', dados[:16])
        quem = socket.inet_ntoa(dados[20:24])
        print(f"{ttl:2d}  {quem}  {(time.monotonic() - inicio) * 1000:.1f} ms  (ICMP {icmp_tipo}/{icmp_codigo})")
        if (icmp_tipo, icmp_codigo) == ICMP_PORTA_INALCANCAVEL:
            print(f"Chegou a {DESTINO} em {ttl} saltos")
            raise SystemExit(0)
print(f"Não chegou a {DESTINO} em {MAX_SALTOS} saltos")
raise SystemExit(1)
