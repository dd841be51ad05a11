// Docker's multiplexed log stream, as pure functions: each frame is an 8-byte header (stream, 0, 0, 0, size as
// a big-endian uint32) then `size` bytes. A followed log arrives in chunks that cut frames anywhere.
// Read with timestamps, every frame is one log message that starts with its timestamp. Docker's log drivers split a
// line longer than 16 KiB into partial messages (no newline at their end), and each partial gets a timestamp of its
// own: the continuation's is dropped here, so a long line stays one line with one timestamp.

export interface SplitFrames {
  stdout: Buffer
  stderr: Buffer
  /** The bytes of an incomplete last frame (or header): prepend them to the next chunk. */
  rest: Buffer
}

const HEADER = 8
const STDERR = 2
const NEWLINE = 0x0a
/** RFC 3339 with nanoseconds, as Docker writes it (trailing zeros of the fraction dropped), and one space. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /

/** Whether the last frame read of each stream was a partial message, across the chunks of one followed log. */
export interface PartialState {
  1: boolean
  2: boolean
}

/** The complete frames of a multiplexed log buffer by stream, and the bytes of an incomplete last frame. */
export function splitFrames(buffer: Buffer, partial: PartialState = { 1: false, 2: false }): SplitFrames {
  const out: Record<1 | 2, Buffer[]> = { 1: [], 2: [] }
  let offset = 0
  while (offset + HEADER <= buffer.length && offset + HEADER + buffer.readUInt32BE(offset + 4) <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4)
    const stream = buffer[offset] === STDERR ? 2 : 1
    let payload = buffer.subarray(offset + HEADER, offset + HEADER + size)
    if (partial[stream]) {
      const stamp = payload.subarray(0, 40).toString('latin1').match(TIMESTAMP)
      if (stamp) payload = payload.subarray(stamp[0].length)
    }
    if (size) partial[stream] = payload.at(-1) !== NEWLINE
    out[stream].push(payload)
    offset += HEADER + size
  }
  return { stdout: Buffer.concat(out[1]), stderr: Buffer.concat(out[2]), rest: buffer.subarray(offset) }
}

/** Follows a stream chunk by chunk: what each chunk completes, carrying a cut frame over to the next one. */
export function frameReader(): (chunk: Buffer) => { stdout: Buffer; stderr: Buffer } {
  let pending: Buffer = Buffer.alloc(0)
  const partial: PartialState = { 1: false, 2: false }
  return (chunk) => {
    const frames = splitFrames(Buffer.concat([pending, chunk]), partial)
    pending = frames.rest
    return { stdout: frames.stdout, stderr: frames.stderr }
  }
}
