# The bench's Mininet baseline (bench/mininet.ts runs it as root): the guide's TCP greeting between two namespaces
# on a Linux bridge, no controller. Prints the wall time of one whole run (topology up, server, client, down) in ms.
import sys, time
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import Topo

programs = sys.argv[1]
started = time.monotonic()
class Pair(Topo):
    def build(self):
        switch = self.addSwitch('s1')
        for name in ('h1', 'h2'):
            self.addLink(self.addHost(name), switch)
net = Mininet(topo=Pair(), switch=LinuxBridge, controller=None, autoSetMacs=True)
net.start()
try:
    server, client = net.get('h1', 'h2')
    server.cmd(f'/usr/bin/python3 -u {programs}/tcp-server.py > /dev/null 2>&1 &')
    for _ in range(200):
        if ':12345' in server.cmd('ss -tln'):
            break
        time.sleep(0.01)
    out = client.cmd(f'LAB_SERVER_HOST={server.IP()} /usr/bin/python3 {programs}/tcp-client.py')
    if 'Bem-vindo ao servidor!' not in out:
        sys.exit(f'the client did not get the greeting: {out.strip()}')
    server.cmd('kill %python3')
finally:
    net.stop()
print(round((time.monotonic() - started) * 1000))
