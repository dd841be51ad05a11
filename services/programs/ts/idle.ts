// A host that runs no server: it only holds its address (connection-refused, host-unreachable).
setInterval(() => {}, 1 << 30)
