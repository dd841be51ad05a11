// Docker's multiplexed log stream, as pure functions: each frame is an 8-byte header (stream, 0, 0, 0, size as
// a big-endian uint32) then `size` bytes. A followed log arrives in chunks that cut frames anywhere.

export interface SplitFrames {
  stdout: Buffer
  stderr: Buffer
  /** The bytes of an incomplete last frame (or header): prepend them to the next chunk. */
  rest: Buffer
}

const HEADER = 8
const STDERR = 2

/** The complete frames of a multiplexed log buffer by stream, and the bytes of an incomplete last frame. */
export function splitFrames(buffer: Buffer): SplitFrames {
  const out: Record<number, Buffer[]> = { 1: [], 2: [] }
  let offset = 0
  while (offset + HEADER <= buffer.length && offset + HEADER + buffer.readUInt32BE(offset + 4) <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4)
    out[buffer[offset] === STDERR ? 2 : 1].push(buffer.subarray(offset + HEADER, offset + HEADER + size))
    offset += HEADER + size
  }
  return { stdout: Buffer.concat(out[1]), stderr: Buffer.concat(out[2]), rest: buffer.subarray(offset) }
}

/** Follows a stream chunk by chunk: what each chunk completes, carrying a cut frame over to the next one. */
export function frameReader(): (chunk: Buffer) => { stdout: Buffer; stderr: Buffer } {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk) => {
    const frames = splitFrames(Buffer.concat([pending, chunk]))
    pending = frames.rest
    return { stdout: frames.stdout, stderr: frames.stderr }
  }
}
