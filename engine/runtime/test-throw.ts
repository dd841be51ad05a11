// A seam for the tests of commands/crash.ts, and the only place that reads SOCKET_LAB_TEST_THROW:
// `throw:MS` throws an uncaught error, `reject:MS` leaves a promise rejected with no one awaiting it, MS
// milliseconds after the first lab of the process registered its teardown (so during its `up` or its run).
// Unset, as everywhere but in test/crash.test.ts, it does nothing.
let armed = process.env.SOCKET_LAB_TEST_THROW

export function maybeThrowForTest(): void {
  const match = armed?.match(/^(throw|reject):(\d+)$/)
  armed = undefined
  if (!match) return
  const message = `injected by SOCKET_LAB_TEST_THROW=${match[0]}`
  setTimeout(() => {
    if (match[1] === 'throw') throw new Error(message)
    void Promise.reject(new Error(message))
  }, Number(match[2])).unref()
}
