#!/usr/bin/env python3
# The lab's userspace impairment engine, for kernels without sch_netem (this machine, WSL2, some CI runners).
# The host's packets go to a netfilter queue (legacy iptables -j NFQUEUE, set up by lab-net.ts), and this
# process decides each one's fate: drop it, alter it, copy it, or hold it and give it back later. It speaks
# nfnetlink_queue through Python's own AF_NETLINK socket: no library, no compiler, no extra package
# (docs/FAULTS.md says why). Plan: JSON in argv[1] (NetPlan.impair); reports on stdout, one line per event.
import errno
import heapq
import json
import math
import os
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
SOL_NETLINK = 270
NETLINK_NO_ENOBUFS = 5
SO_MARK = 36
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_PACKET_HDR, NFQA_VERDICT_HDR, NFQA_MARK, NFQA_PAYLOAD = 1, 2, 3, 10
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_PACKET = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NF_DROP, NF_ACCEPT = 0, 1
# Copies this engine sends itself carry this mark; the queue rule skips marked packets, so a copy is never
# queued (and copied) again.
COPY_MARK = 0x10000
# Held packets wait in the kernel; the default of 1024 is too few at 100 ms of delay and a few thousand packets/s.
QUEUE_MAXLEN = 16384

plan = json.loads(sys.argv[1])
queue_num = plan.get('queue', 0)
host = os.environ.get('LAB_HOST', 'host')
say = lambda line: print(f'lab-impair[{host}]: {line}', flush=True)
counters = {}
def count(name, n=1):
    counters[name] = counters.get(name, 0) + n


def attr(kind, data):
    return struct.pack('=HH', 4 + len(data), kind) + data + b'\0' * ((4 - len(data) % 4) % 4)


def message(msg_type, attrs, flags=NLM_F_REQUEST):
    body = struct.pack('=BBH', socket.AF_UNSPEC, 0, socket.htons(queue_num)) + b''.join(attrs)
    return struct.pack('=IHHII', 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, 0, 0) + body


def attrs_of(data, offset):
    found = {}
    while offset + 4 <= len(data):
        length, kind = struct.unpack_from('=HH', data, offset)
        if length < 4:
            break
        found[kind & 0x7fff] = data[offset + 4:offset + length]
        offset += (length + 3) & ~3
    return found


nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
nl.bind((0, 0))
nl.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
nl.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)


def configure(attrs):
    nl.send(message(NFQNL_MSG_CONFIG, attrs, NLM_F_REQUEST | NLM_F_ACK))
    reply = nl.recv(65536)
    _, msg_type = struct.unpack_from('=IH', reply)
    if msg_type == NLMSG_ERROR and struct.unpack_from('=i', reply, 16)[0] != 0:
        raise OSError(-struct.unpack_from('=i', reply, 16)[0], 'nfnetlink_queue refused the configuration')


configure([attr(NFQA_CFG_CMD, struct.pack('!BBH', NFQNL_CFG_CMD_BIND, 0, socket.AF_INET))])
configure([attr(NFQA_CFG_PARAMS, struct.pack('!IB', 0xffff, NFQNL_COPY_PACKET) + b'\0\0\0')])
configure([attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack('!I', QUEUE_MAXLEN))])
nl.setblocking(False)

raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
raw.setsockopt(socket.SOL_SOCKET, SO_MARK, COPY_MARK)
# A copy of a broadcast the program sent (it had SO_BROADCAST) is a broadcast too: without it, EACCES.
raw.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)


def link_mtu():
    try:
        with open('/sys/class/net/eth0/mtu') as f:
            return int(f.read())
    except (OSError, ValueError):
        return 1500


MTU = link_mtu()
IP_DF, IP_MF = 0x4000, 0x2000
# What this engine could not do to one packet is said this many times, then only counted: a program that sends
# thousands of them must not flood the sidecar's log.
TOLD_AT_MOST = 3
told = {}
def tell(what, line):
    told[what] = told.get(what, 0) + 1
    if told[what] <= TOLD_AT_MOST:
        say(line)


def fragments(packet, mtu):
    """The packet cut into IPv4 fragments of at most `mtu` bytes, as the kernel cuts a datagram larger than the link's
    MTU after the queue saw it whole (the kernel fills in each header's checksum: IP_HDRINCL). None when its DF bit
    forbids it."""
    ihl = (packet[0] & 0x0f) * 4
    flags_offset = struct.unpack_from('!H', packet, 6)[0]
    if flags_offset & IP_DF:
        return None
    header, data = bytearray(packet[:ihl]), packet[ihl:]
    step = (mtu - ihl) // 8 * 8
    first = flags_offset & 0x1fff
    pieces = []
    for at in range(0, len(data), step):
        chunk = data[at:at + step]
        more = at + step < len(data) or flags_offset & IP_MF
        struct.pack_into('!HHH', header, 2, ihl + len(chunk), struct.unpack_from('!H', packet, 4)[0], (IP_MF if more else 0) | (first + at // 8))
        struct.pack_into('!H', header, 10, 0)
        pieces.append(bytes(header) + chunk)
    return pieces


def send_copy(packet, info):
    """Sends a copy of the packet; False when it cannot be sent (counted and said: the original still goes)."""
    try:
        try:
            raw.sendto(packet, (info['dst'], 0))
        except OSError as error:
            # A datagram over the link's MTU reaches the queue whole; the raw socket does not fragment it.
            pieces = fragments(packet, MTU) if error.errno == errno.EMSGSIZE else None
            if pieces is None:
                raise
            for piece in pieces:
                raw.sendto(piece, (info['dst'], 0))
        return True
    except OSError as error:
        count('duplicate-unsent')
        tell('duplicate-unsent', f'could not send a copy of a {len(packet)}-byte packet to {info["dst"]}: {error.strerror or error}')
        return False


def verdict(packet_id, accept=True, payload=None):
    attrs = [attr(NFQA_VERDICT_HDR, struct.pack('!II', NF_ACCEPT if accept else NF_DROP, packet_id))]
    if payload is not None:
        attrs.append(attr(NFQA_PAYLOAD, payload))
    try:
        nl.send(message(NFQNL_MSG_VERDICT, attrs))
    except BlockingIOError:
        select.select([], [nl], [])
        nl.send(message(NFQNL_MSG_VERDICT, attrs))


# --- Randomness as netem draws it: a uniform number, correlated with the previous one by `correlation` %. Every
# draw of one rule in one direction comes from its own generator, seeded by the engine (engine/plan/seeds.ts): the
# same seed and the same packets give the same decisions, whatever the other rules and directions saw.

class Correlated:
    def __init__(self, rng, percent=0):
        self.rng = rng
        self.rho, self.last = (percent or 0) / 100, rng.random()

    def __call__(self):
        self.last = (1 - self.rho) * self.rng.random() + self.rho * self.last
        return self.last


def chance(rng, percent, correlation=0):
    draw = Correlated(rng, correlation)
    return lambda: draw() * 100 < percent


def jitter_of(rng, delay):
    """A function that gives one delay in ms: `ms` plus jitter in netem's distributions."""
    ms, jitter, kind = delay['ms'], delay.get('jitterMs', 0), delay.get('distribution', 'uniform')
    draw = Correlated(rng, delay.get('correlation', 0))
    def normal():
        u = max(draw(), 1e-12)  # Box-Muller on the correlated uniform, as netem tables map it
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * rng.random())
    def pareto():
        # Pareto with shape 3 (netem's table), shifted to mean 0 and scaled to standard deviation 1.
        return ((1 - draw()) ** (-1 / 3) - 1.5) / math.sqrt(0.75)
    shapes = {
        'uniform': lambda: (2 * draw() - 1),
        'normal': normal,
        'pareto': pareto,
        'paretonormal': lambda: 0.25 * normal() + 0.75 * pareto(),
    }
    shape = shapes[kind]
    return lambda: max(0.0, ms + jitter * shape()) if jitter else ms


def gilbert_elliott(rng, model):
    """netem's `loss gemodel p r 1-h 1-k`: the state moves first, then the new state decides the loss."""
    p, r = model['p'] / 100, model['r'] / 100
    bad_loss, good_loss = model.get('badLoss', 100) / 100, model.get('goodLoss', 0) / 100
    state = {'bad': False}
    def lost():
        if state['bad']:
            if rng.random() < r:
                state['bad'] = False
        elif rng.random() < p:
            state['bad'] = True
        return rng.random() < (bad_loss if state['bad'] else good_loss)
    return lost


def four_state(rng, model):
    """netem's `loss state p13 p31 p32 p23 p14` (Salsano et al.), transition for transition."""
    a1, a2, a3, a5, a4 = (model.get(k, 0) / 100 for k in ('p13', 'p31', 'p32', 'p23', 'p14'))
    state = {'s': 1}
    def lost():
        rnd, s = rng.random(), state['s']
        if s == 1:
            if rnd < a4:
                state['s'] = 4
                return True
            if rnd < a1 + a4:
                state['s'] = 3
                return True
        elif s == 2:
            if rnd < a5:
                state['s'] = 3
                return True
        elif s == 3:
            if rnd < a3:
                state['s'] = 2
            elif rnd < a2 + a3:
                state['s'] = 1
            else:
                return True
        else:
            state['s'] = 1
        return False
    return lost


# --- Packets: just enough IPv4 to filter, alter and re-checksum.

def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


PROTOCOLS = {6: 'tcp', 17: 'udp', 1: 'icmp'}


def parse(packet):
    ihl = (packet[0] & 0x0f) * 4
    proto = PROTOCOLS.get(packet[9], 'other')
    header = {'tcp': None, 'udp': 8, 'icmp': 8}.get(proto, 0)
    if proto == 'tcp' and len(packet) >= ihl + 13:
        header = (packet[ihl + 12] >> 4) * 4
    return {'proto': proto, 'src': socket.inet_ntoa(packet[12:16]), 'dst': socket.inet_ntoa(packet[16:20]),
            'l4': ihl, 'payload': ihl + (header or 0)}


def corrupt(rng, packet, info, recompute):
    """Flips one bit of the transport payload (of the checksum field when there is no payload)."""
    data = bytearray(packet)
    check_at = {'tcp': info['l4'] + 16, 'udp': info['l4'] + 6, 'icmp': info['l4'] + 2}.get(info['proto'])
    if info['payload'] < len(data):
        at = rng.randrange(info['payload'], len(data))
    elif check_at is not None and check_at + 1 < len(data):
        at, recompute = check_at, False
    else:
        at = rng.randrange(20, len(data)) if len(data) > 20 else len(data) - 1
    data[at] ^= 1 << rng.randrange(8)
    if recompute and info['proto'] in ('tcp', 'udp') and check_at is not None:
        # The checksum covers a pseudo-header of addresses, protocol and length (RFC 768, RFC 793).
        data[check_at:check_at + 2] = b'\0\0'
        segment = bytes(data[info['l4']:])
        pseudo = bytes(data[12:20]) + struct.pack('!BBH', 0, data[9], len(segment))
        value = checksum(pseudo + segment)
        if info['proto'] == 'udp' and value == 0:
            value = 0xffff
        data[check_at:check_at + 2] = struct.pack('!H', value)
    return bytes(data)


# --- The plan: impairments, each with its filter and its time windows.

started = None  # when the program started (lab-net writes a line on stdin): windows count from then


def active(rule, now):
    windows = rule.get('windows')
    if not windows:
        return True
    if started is None:
        return False
    t = (now - started) * 1000
    for w in windows:
        since = t - w['atMs']
        if since < 0:
            continue
        if w.get('everyMs'):
            since %= w['everyMs']
        if w.get('forMs') is None or since < w['forMs']:
            return True
    return False


def matches(rule, info, direction):
    if rule.get('direction', 'out') not in (direction, 'both'):
        return False
    if rule.get('protocol', 'all') not in ('all', info['proto']):
        return False
    peer = rule.get('peer')
    return peer is None or peer == (info['dst'] if direction == 'out' else info['src'])


def draws_of(rule, rng):
    """A rule's random state in one direction: its generator, and what draws from it."""
    kind, state = rule['kind'], {'rng': rng}
    if kind == 'delay':
        state['draw'] = jitter_of(rng, rule)
    elif kind in ('loss', 'duplicate', 'corrupt', 'reorder'):
        state['hit'] = chance(rng, rule['percent'], rule.get('correlation', 0))
        state['since'] = 0
    elif kind == 'burst-loss':
        state['hit'] = gilbert_elliott(rng, rule['model']) if 'p' in rule['model'] else four_state(rng, rule['model'])
    return state


rules = plan['rules']
for rule in rules:
    rule['label'] = rule['kind']
    seeds = rule.get('seeds') or {}
    directions = ('in', 'out') if rule.get('direction', 'out') == 'both' else (rule.get('direction', 'out'),)
    # A plan without seeds (an engine older than seeds) draws as it always did, from the system's randomness.
    rule['by'] = {d: draws_of(rule, random.Random(seeds[d]) if d in seeds else random.Random()) for d in directions}
    if rule['kind'] == 'rate':
        rule['free_at'] = 0.0
        rule['backlog'] = []

held = []  # (release time, order, packet id, payload or None)
order = 0


def handle(packet_id, hook, packet):
    """Decides one packet's fate, in netem's order: loss, duplication, corruption, delay or reordering, rate."""
    global order
    now = time.monotonic()
    direction = 'in' if hook == 0 else 'out'  # NF_INET_PRE_ROUTING is 0; the rule for 'out' is in POST_ROUTING
    info = parse(packet)
    mine = [r for r in rules if matches(r, info, direction) and active(r, now)]
    count(f'queued-{direction}')
    altered = None
    by = lambda rule: rule['by'][direction]
    for rule in mine:
        if rule['kind'] in ('loss', 'burst-loss') and by(rule)['hit']():
            count(rule['label'])
            verdict(packet_id, accept=False)
            return
    for rule in mine:
        if rule['kind'] == 'duplicate' and by(rule)['hit']():
            # A copy sent through a raw socket: it leaves by eth0 (out) or, addressed to this host, arrives by lo (in).
            if send_copy(packet, info):
                count('duplicate')
    for rule in mine:
        if rule['kind'] == 'corrupt' and by(rule)['hit']():
            count('corrupt')
            altered = corrupt(by(rule)['rng'], altered or packet, info, rule.get('recomputeChecksum', False))
    delay_ms = 0.0
    delays = [r for r in mine if r['kind'] == 'delay']
    if delays:
        ahead = False
        for rule in mine:
            if rule['kind'] == 'reorder':
                # netem: after `gap` - 1 delayed packets, the next goes at once with probability `percent`.
                state = by(rule)
                if state['since'] >= rule.get('gap', 0) - 1 and state['hit']():
                    state['since'] = 0
                    ahead = True
                    count('reorder')
                else:
                    state['since'] += 1
        if not ahead:
            delay_ms = sum(by(r)['draw']() for r in delays)
            count('delay')
    release = now + delay_ms / 1000
    for rule in mine:
        if rule['kind'] == 'rate':
            backlog = rule['backlog']
            while backlog and backlog[0] <= now:
                backlog.pop(0)
            if len(backlog) >= rule.get('queue', 1000):
                count('rate-drop')
                verdict(packet_id, accept=False)
                return
            release = max(release, rule['free_at']) + len(packet) * 8 / (rule['kbit'] * 1000)
            rule['free_at'] = release
            backlog.append(release)
            count('rate')
    if release <= now:
        verdict(packet_id, payload=altered)
        return
    order += 1
    heapq.heappush(held, (release, order, packet_id, altered))


def read_packets():
    while True:
        try:
            data = nl.recv(1 << 17)
        except BlockingIOError:
            return
        offset = 0
        while offset + 16 <= len(data):
            length, msg_type = struct.unpack_from('=IH', data, offset)
            if length < 16:
                break
            if msg_type == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                found = attrs_of(data[offset:offset + length], 20)
                packet_id, _, hook = struct.unpack('!IHB', found[NFQA_PACKET_HDR][:7])
                payload = found.get(NFQA_PAYLOAD, b'')
                try:
                    handle(packet_id, hook, payload)
                except Exception as error:  # one packet this engine cannot handle must not end it for every other
                    count('impair-error')
                    tell('impair-error', f'could not impair a {len(payload)}-byte packet, let it pass: {error!r}')
                    verdict(packet_id)
            offset += (length + 3) & ~3


def release_due(until):
    while held and held[0][0] <= until:
        _, _, packet_id, payload = heapq.heappop(held)
        verdict(packet_id, payload=payload)


def stop(*_):
    # Whatever is still held goes on its way: a lab that stops must not leave packets behind in the kernel.
    release_due(math.inf)
    say(f'counters {json.dumps(counters)}')
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
say(f'ready on queue {queue_num}')
stdin_open = True
while True:
    wait = max(0.0, held[0][0] - time.monotonic()) if held else 1.0
    readable, _, _ = select.select([nl] + ([sys.stdin] if stdin_open else []), [], [], wait)
    if sys.stdin in readable:
        line = sys.stdin.readline()
        if line.strip() == 'start':
            started = time.monotonic()
            say('program started: time windows count from now')
        elif not line:
            stdin_open = False
    if nl in readable:
        read_packets()
    release_due(time.monotonic())
