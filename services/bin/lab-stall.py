#!/usr/bin/env python3
# Watches a host's programs for the lab (engine/runtime/stalls.ts): are they all waiting for something that only
# another program can give, with nothing queued and nothing on the wire? Then waiting longer cannot change the
# run's outcome, and the lab may judge it now instead of at its deadline. Runs as the programs' own user (`lab`),
# by exec in the program container, so it may read /proc/<pid>/syscall and the timeouts a wait was given, and
# nothing the programs cannot read themselves. Prints one JSON line (prefixed `lab-stall `) whenever what it sees
# changes, and every look while they wait; exits once no program is left on the host, or after its lifetime (the run's deadline).
#
# A task is *waiting* when it sleeps in one of the calls below. A wait ends by itself only by its timeout; that
# timeout's earliest end is `wake`. A wait with no timeout (recv, accept, poll(-1), a futex with no timeout, a
# stopped task) ends only when something arrives: if every task of every host waits, no socket has bytes queued
# or a handshake under way, and no packet crossed any interface for a while, nothing can arrive before the
# earliest wake. Anything else (running, in a page fault, in connect, in a call not below) is busy.
import json
import os
import socket
import struct
import sys
import time

POLL_S = 0.25
SELF = os.getpid()
UID = os.getuid()
TICKS = os.sysconf('SC_CLK_TCK')

# Per architecture: call number -> (name, how its timeout is given).
#   'none': no timeout of its own (a socket's SO_RCVTIMEO is looked up); 'ms:N': argument N in milliseconds (-1 for
#   none); 'ts:N' / 'tv:N': a relative timespec / timeval at the pointer in argument N (NULL for none);
#   'futex', 'clock_nanosleep': their own rules.
CALLS = {
    'x86_64': {
        0: ('read', 'none'), 19: ('readv', 'none'), 7: ('poll', 'ms:2'), 23: ('select', 'tv:4'),
        34: ('pause', 'none'), 35: ('nanosleep', 'ts:0'), 43: ('accept', 'none'), 45: ('recvfrom', 'none'),
        47: ('recvmsg', 'none'), 61: ('wait4', 'none'), 130: ('rt_sigsuspend', 'none'), 202: ('futex', 'futex'),
        230: ('clock_nanosleep', 'clock_nanosleep'), 232: ('epoll_wait', 'ms:3'), 247: ('waitid', 'none'),
        270: ('pselect6', 'ts:4'), 271: ('ppoll', 'ts:2'), 281: ('epoll_pwait', 'ms:3'), 288: ('accept4', 'none'),
        299: ('recvmmsg', 'ts:4'), 441: ('epoll_pwait2', 'ts:3'),
    },
    'aarch64': {
        63: ('read', 'none'), 65: ('readv', 'none'), 72: ('pselect6', 'ts:4'), 73: ('ppoll', 'ts:2'),
        101: ('nanosleep', 'ts:0'), 115: ('clock_nanosleep', 'clock_nanosleep'), 98: ('futex', 'futex'),
        22: ('epoll_pwait', 'ms:3'), 202: ('accept', 'none'), 207: ('recvfrom', 'none'), 212: ('recvmsg', 'none'),
        242: ('accept4', 'none'), 243: ('recvmmsg', 'ts:4'), 260: ('wait4', 'none'), 95: ('waitid', 'none'),
        133: ('rt_sigsuspend', 'none'), 441: ('epoll_pwait2', 'ts:3'),
    },
}.get(os.uname().machine, {})

# Calls whose file descriptor (argument 0) may be a socket with a receive timeout of its own.
SOCKET_WAITS = {'read', 'readv', 'accept', 'accept4', 'recvfrom', 'recvmsg'}
PIDFD_OPEN, PIDFD_GETFD = 434, 438


def now_ms():
    return time.time() * 1000


def epoch_of(clock, seconds):
    """An absolute time on `clock` (0 realtime, else monotonic or boot time) as epoch milliseconds."""
    if clock == 0:
        return seconds * 1000
    return now_ms() + (seconds - time.clock_gettime(time.CLOCK_BOOTTIME if clock == 7 else time.CLOCK_MONOTONIC)) * 1000


def read_pair(pid, address, usec=False):
    """A timespec (or timeval) in a program's memory, in seconds."""
    with open(f'/proc/{pid}/mem', 'rb', buffering=0) as mem:
        raw = os.pread(mem.fileno(), 16, address)
    sec, frac = struct.unpack('qq', raw)
    return sec + frac / (1e6 if usec else 1e9)


GETFD = {'works': True}


def socket_timeout(pid, fd):
    """A socket's own receive timeout (SO_RCVTIMEO) in seconds, 0 for none or when it cannot be read (Docker's
    default seccomp profile refuses pidfd_getfd without CAP_SYS_PTRACE: the engine then reads the programs' source
    for a receive timeout instead, engine/runtime/stalls.ts); None when fd is no socket."""
    target = os.readlink(f'/proc/{pid}/fd/{fd}')
    if not target.startswith('socket:'):
        return None
    if not GETFD['works']:
        return 0
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = libc.syscall(PIDFD_OPEN, pid, 0)
    if pidfd < 0:
        GETFD['works'] = False
        return 0
    try:
        mine = libc.syscall(PIDFD_GETFD, pidfd, fd, 0)
        if mine < 0:
            GETFD['works'] = False
            return 0
        try:
            # Read, never changed: the duplicate is let go of and closed (the program's own descriptor stays).
            raw = socket.socket(fileno=mine)
            try:
                sec, usec = struct.unpack('qq', raw.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 16))
            finally:
                raw.detach()
            return sec + usec / 1e6
        finally:
            os.close(mine)
    finally:
        os.close(pidfd)


class Task:
    __slots__ = ('signature', 'since')

    def __init__(self, signature, since):
        self.signature = signature
        self.since = since


def started_ms(stat_fields):
    """When a task started (epoch ms), from its stat line."""
    with open('/proc/uptime') as uptime:
        up = float(uptime.read().split()[0])
    return now_ms() - (up - int(stat_fields[19]) / TICKS) * 1000


def classify(pid, args, name, rule, since, runtime):
    """('forever', None) or ('until', wake epoch ms) for a wait; None when it cannot be told (busy)."""
    if rule == 'none':
        if name in SOCKET_WAITS:
            timeout = socket_timeout(pid, args[0])
            if timeout:
                return ('until', since + timeout * 1000)
        return ('forever', None)
    if rule.startswith('ms:'):
        ms = struct.unpack('i', struct.pack('I', args[int(rule[3:])] & 0xFFFFFFFF))[0]
        return ('forever', None) if ms < 0 else ('until', since + ms)
    if rule.startswith(('ts:', 'tv:')):
        pointer = args[int(rule[3:])]
        if not pointer:
            return ('forever', None)
        return ('until', since + read_pair(pid, pointer, usec=rule.startswith('tv:')) * 1000)
    if rule == 'futex':
        op, pointer = args[1] & 127, args[3]
        if op not in (0, 9):  # FUTEX_WAIT (relative), FUTEX_WAIT_BITSET (absolute)
            return None
        if not pointer or runtime == 'node':
            return ('forever', None)
        seconds = read_pair(pid, pointer)
        if op == 0:
            return ('until', since + seconds * 1000)
        return ('until', epoch_of(0 if args[1] & 256 else 1, seconds))
    if rule == 'clock_nanosleep':
        seconds = read_pair(pid, args[2])
        return ('until', epoch_of(args[0], seconds) if args[1] & 1 else since + seconds * 1000)
    return None


def own_pids():
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == SELF:
            continue
        try:
            with open(f'/proc/{entry}/status') as status:
                uid = next(int(line.split()[1]) for line in status if line.startswith('Uid:'))
        except (OSError, StopIteration, ValueError):
            continue
        if uid == UID:
            yield int(entry)


def programs(tasks, at):
    """('gone'|'busy'|'waiting', earliest wake or None, the calls waited in) for every task of every program."""
    seen, waits, wake, alive = set(), set(), None, False
    for pid in own_pids():
        try:
            tids = os.listdir(f'/proc/{pid}/task')
            runtime = os.path.basename(os.readlink(f'/proc/{pid}/exe'))
        except OSError:
            continue
        for tid in tids:
            key = (pid, tid)
            try:
                with open(f'/proc/{pid}/task/{tid}/stat') as stat:
                    fields = stat.read().rsplit(')', 1)[1].split()
                state = fields[0]
                if state in 'ZX':
                    continue
                alive = True
                if state in 'Tt':
                    waits.add('stopped')
                    continue
                if state != 'S':
                    return ('busy', None, [])
                with open(f'/proc/{pid}/task/{tid}/syscall') as call:
                    words = call.read().split()
            except (OSError, IndexError):
                return ('busy', None, [])
            if not words or words[0] in ('running', '-1'):
                return ('busy', None, [])
            number, args = int(words[0]), [int(word, 16) for word in words[1:7]]
            known = CALLS.get(number)
            if not known:
                return ('busy', None, [])
            signature = (number, tuple(args))
            seen.add(key)
            task = tasks.get(key)
            if not task or task.signature != signature:
                # It entered this wait after the last look (or, at the first, after the task started).
                task = Task(signature, tasks['_last'] if task or '_last' in tasks else started_ms(fields))
                tasks[key] = task
            # Node's threads but its main one (V8's platform and its delayed tasks, libuv's pool, the inspector's
            # signal thread) wait with the runtime's own timeouts (a delayed GC task): a program's timers are its
            # main thread's event loop timeout, which counts.
            runtime_own = runtime == 'node' and tid != str(pid)
            try:
                kind = ('forever', None) if runtime_own else classify(pid, args, known[0], known[1], task.since, runtime)
            except (OSError, struct.error, ValueError):
                kind = None
            if kind is None:
                return ('busy', None, [])
            waits.add(known[0])
            if kind[0] == 'until':
                wake = kind[1] if wake is None else min(wake, kind[1])
    for key in [key for key in tasks if key != '_last' and key not in seen]:
        del tasks[key]
    return ('waiting' if alive else 'gone', wake, sorted(waits))


def queued():
    """A socket with bytes queued to send or read, or a handshake under way: something is still to happen."""
    for table in ('tcp', 'tcp6', 'udp', 'udp6'):
        try:
            with open(f'/proc/net/{table}') as lines:
                rows = lines.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            state, (tx, rx) = fields[3], fields[4].split(':')
            if table.startswith('tcp') and state in ('02', '03'):  # SYN_SENT, SYN_RECV
                return True
            if table.startswith('tcp') and state == '0A':  # LISTEN: its queue is connections, not bytes
                continue
            if int(tx, 16) or int(rx, 16):
                return True
    return False


# What the host's sockets sent and received (its kernel's counters, the loopback's included): not ARP, nor IGMP or
# the neighbour discovery the kernel sends by itself; ICMP is, for an error ends a connected socket's wait.
COUNTED = {
    'snmp': {'Tcp': ('InSegs', 'OutSegs'), 'Udp': ('InDatagrams', 'OutDatagrams', 'NoPorts', 'InErrors'),
             'Icmp': ('InMsgs', 'OutMsgs')},
    'snmp6': {'': ('Udp6InDatagrams', 'Udp6OutDatagrams', 'Udp6NoPorts', 'Udp6InErrors')},
}


def packets():
    total = 0
    for table, groups in COUNTED.items():
        try:
            with open(f'/proc/net/{table}') as lines:
                rows = [row.split() for row in lines.read().splitlines()]
        except OSError:
            continue
        if table == 'snmp':  # a row of names, then a row of values, per protocol
            counts = {}
            for names, values in zip(rows, rows[1:]):
                if len(values) > 1 and names[0] == values[0] and values[1].lstrip('-').isdigit():
                    counts.update({f'{names[0][:-1]}{n}': v for n, v in zip(names[1:], values[1:])})
        else:
            counts = {row[0]: row[1] for row in rows if len(row) == 2}
        for group, fields in groups.items():
            total += sum(int(counts.get(f'{group}{field}', 0)) for field in fields)
    return total


def main():
    lifetime = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    ends = time.monotonic() + lifetime
    tasks, told, counted, quiet, seen = {}, None, None, now_ms(), False
    while time.monotonic() < ends:
        at = now_ms()
        state, wake, waits = programs(tasks, at)
        tasks['_last'] = at
        seen = seen or state != 'gone'
        if not seen:
            # Exec'd after lab-run's start mark, the program may not have begun yet (its output limiter, a Node
            # process, can take seconds to start on a busy machine): until it was seen, nothing is proven. One that
            # ended before it was seen ends its container, and this watcher with it (the engine then sees it ended).
            state = 'busy'
        if state == 'waiting' and queued():
            state, wake, waits = 'busy', None, []
        count = packets()
        if count != counted or state == 'busy':
            counted, quiet = count, at
        report = {'state': state, 'wake': None if wake is None else round(wake), 'quiet': round(quiet),
                  'waits': waits}
        # While it waits, every look is told (its time is what proves the quiet lasted); else only a change.
        if report != told or state == 'waiting':
            print('lab-stall ' + json.dumps({**report, 'at': round(at)}, separators=(',', ':')), flush=True)
            told = report
        if state == 'gone':
            return
        time.sleep(POLL_S)


if __name__ == '__main__':
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
