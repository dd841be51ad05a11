// `docker exec <sidecar> node lab-ctl.ts VERB [ARG]`: the sidecar's control commands (control.ts) for an engine
// that cannot reach the live lab's control socket. It prints the sidecar's events; exit 1 on a failure.
import { control } from './control.ts'
import { formatEvent } from './protocol.ts'

const host = process.env.LAB_HOST ?? 'host'
const ok = await control(host, process.argv.slice(2), (event) => console.log(formatEvent(host, event)))
process.exitCode = ok ? 0 : 1
