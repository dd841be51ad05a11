// Runs jobs a few at a time: `lab all --parallel N` and the soak. Each job is a whole lab, so N stays small.

/** Runs `work` on every item, at most `concurrency` at once, starting them in `startOrder` (indices; default:
 * the items' order); results keep the items' order. On an error no new job starts, the running ones finish (and
 * tear their labs down), then the first error is thrown. */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  startOrder?: number[],
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  const order = startOrder ?? items.map((_, index) => index)
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async () => {
    while (!failure && next < order.length) {
      const index = order[next++]
      try {
        results[index] = await work(items[index], index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  if (failure) throw failure.error
  return results
}

/** Wraps `emit` so that results reach it in the items' order, each as soon as it and all before it are done:
 * parallel scenarios still print as whole blocks, in catalog order. */
export function inOrder<R>(emit: (result: R, index: number) => void): (result: R, index: number) => void {
  const waiting = new Map<number, R>()
  let nextToEmit = 0
  return (result, index) => {
    waiting.set(index, result)
    while (waiting.has(nextToEmit)) {
      emit(waiting.get(nextToEmit)!, nextToEmit)
      waiting.delete(nextToEmit++)
    }
  }
}
