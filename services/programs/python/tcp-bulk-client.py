# Receives everything the server sends and measures the throughput from the first byte to the last.
import socket
import time

cliente = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cliente.connect(('server', 12345))

total = 0
primeiro = ultimo = None
while True:
    dados = cliente.recv(65536)
    if not dados:
        break
    ultimo = time.monotonic()
    if primeiro is None:
        # O intervalo começa quando o primeiro pedaço chega: os bytes dele não contam
        primeiro, antes_do_intervalo = ultimo, len(dados)
    total += len(dados)
cliente.close()

print(f"Recebidos {total} bytes")
segundos = ultimo - primeiro
print(f"Vazão: {(total - antes_do_intervalo) * 8 / segundos / 1000:.0f} kbit/s (do primeiro ao último byte, {segundos:.2f} s)")
