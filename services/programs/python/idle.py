# A host that runs no server: it only holds its address (connection-refused, host-unreachable).
import time

while True:
    time.sleep(3600)
