// Unit tests need no Docker; the integration tests share one lab image, built here once (or reused).
import * as docker from '../engine/runtime/docker.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'

export default async function setup({ provide }: { provide: (key: 'labImage', value: string) => void }) {
  provide('labImage', await ensureLabImage((line) => console.log(`[global-setup] ${line}`), {}, docker.preflight()))
}

declare module 'vitest' {
  export interface ProvidedContext {
    labImage: string
  }
}
