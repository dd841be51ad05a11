// The folder `--capture DIR` keeps pcaps in, made and proven writable before any lab comes up. Node's recursive
// mkdir never returns on a path under /proc (it loops on ENOENT at 100 % CPU), so the folders are made one by one.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../model/errors.ts'

/** Makes `dir` (and missing parents) and writes a probe file in it; a one-line usage error when it cannot. */
export async function prepareCaptureDir(dir: string): Promise<void> {
  const fail = (why: string) => errors.usage(`--capture cannot use the folder "${dir}": ${why}`)
  const missing: string[] = []
  let existing = path.resolve(dir)
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => error)
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) throw fail(`${existing} is not a folder`)
      break
    }
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR') throw fail(info.code ?? info.message)
    missing.unshift(existing)
    existing = path.dirname(existing)
  }
  for (const folder of missing)
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw fail(`cannot create ${folder} (${error.code})`)
    })
  const probe = path.join(dir, `.socket-lab-probe-${process.pid}`)
  await writeFile(probe, '').catch((error: NodeJS.ErrnoException) => {
    throw fail(`cannot write in it (${error.code})`)
  })
  await rm(probe, { force: true })
}
