// The runtime's one door to Docker, split by what it manages: the daemon, compose projects, containers, leftovers
// and images. Everything it returns is plain data.
export * from './daemon.ts'
export * from './projects.ts'
export * from './containers.ts'
export * from './leftovers.ts'
export * from './images.ts'
export * from './exec.ts'
