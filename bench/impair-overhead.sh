#!/usr/bin/env bash
# One-off measurement of the userspace impairment engine's cost (docs/FAULTS.md): inside one lab image container
# with no network at all (--network none: only loopback), UDP to 127.0.0.1 goes through lab-impair.py with zero
# impairment (an NFQUEUE rule on lo, as lab-net puts one on eth0) or not. Prints the round trip of 2000 UDP
# ping-pongs (both directions through the queue) and the packet rate one blaster gets through in 3 s.
# Usage: bench/impair-overhead.sh IMAGE   (e.g. socket-lab-host:latest after `npm run lab -- build`)
set -euo pipefail
image=${1:?usage: bench/impair-overhead.sh IMAGE}
docker run --rm --network none --cap-drop ALL --cap-add NET_ADMIN --cap-add NET_RAW --entrypoint bash "$image" -c '
cat > /tmp/probe.py <<PY
import socket, sys, time, statistics, threading
mode = sys.argv[1]
echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); echo.bind(("127.0.0.1", 9999))
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sink.bind(("127.0.0.1", 9998))
sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
def serve():
    while True:
        data, peer = echo.recvfrom(2048); echo.sendto(data, peer)
threading.Thread(target=serve, daemon=True).start()
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(1)
rtts = []
for i in range(2000):
    t = time.perf_counter(); c.sendto(b"x" * 64, ("127.0.0.1", 9999)); c.recvfrom(2048); rtts.append((time.perf_counter() - t) * 1e6)
rtts.sort()
got = [0]
def count():
    sink.settimeout(0.5)
    try:
        while True: sink.recv(2048); got[0] += 1
    except OSError: pass
reader = threading.Thread(target=count); reader.start()
blaster = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent, end = 0, time.perf_counter() + 3
while time.perf_counter() < end:
    blaster.sendto(b"y" * 64, ("127.0.0.1", 9998)); sent += 1
reader.join()
print(f"{mode}: ping-pong RTT median {rtts[1000]:.0f} us, p99 {rtts[1980]:.0f} us; blaster sent {sent / 3:.0f}/s, received {got[0] / 3:.0f}/s")
PY
python3 /tmp/probe.py "no engine"
iptables-legacy -w -t mangle -A OUTPUT -o lo -p udp -m multiport --dports 9998,9999 -j NFQUEUE --queue-num 0 --queue-bypass
iptables-legacy -w -t mangle -A OUTPUT -o lo -p udp -m multiport --sports 9999 -j NFQUEUE --queue-num 0 --queue-bypass
LAB_HOST=bench python3 /usr/local/bin/lab-impair.py "{\"queue\": 0, \"rules\": []}" > /tmp/engine.log &
sleep 1
python3 /tmp/probe.py "userspace engine, zero impairment"
kill $!; wait $! 2>/dev/null || true; tail -1 /tmp/engine.log
'
