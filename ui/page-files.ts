// The page's files: its HTML (which names the token in its script's and style's addresses, for every request needs
// it), its style sheet, and its script, the front end in ui/page/ bundled by esbuild. The package ships the bundle
// (dist/ui/page.js, written by `npm run prepare`); a checkout bundles its sources when the server starts.
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT } from '../engine/plan/layout.ts'

const SOURCES = path.join(ROOT, 'ui/page')
/** Beside this module once compiled into dist/ui (the package). */
const SHIPPED = fileURLToPath(new URL('./page.js', import.meta.url))

export interface PageFiles {
  html: (token: string) => string
  script: string
  style: string
}

/** The front end as one script, from its sources. */
export async function bundlePage(): Promise<string> {
  const { build } = await import('esbuild')
  const built = await build({
    entryPoints: [path.join(SOURCES, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  })
  return built.outputFiles[0].text
}

/** `npm run prepare`: the bundle and its style beside the compiled server. */
export async function writePageBundle(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'page.js'), await bundlePage())
  await writeFile(path.join(dir, 'page.css'), await readFile(path.join(SOURCES, 'page.css')))
}

export async function pageFiles(): Promise<PageFiles> {
  const shipped = SHIPPED.endsWith(path.join('dist', 'ui', 'page.js')) && existsSync(SHIPPED)
  const script = shipped ? await readFile(SHIPPED, 'utf8') : await bundlePage()
  const style = await readFile(
    shipped ? path.join(path.dirname(SHIPPED), 'page.css') : path.join(SOURCES, 'page.css'),
    'utf8',
  )
  const html = (token: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>socket-lab</title>
<link rel="icon" href="/favicon.ico?token=${encodeURIComponent(token)}">
<link rel="stylesheet" href="/page.css?token=${encodeURIComponent(token)}">
<script defer src="/page.js?token=${encodeURIComponent(token)}"></script>
</head>
<body>
<header><h1 id="title">socket-lab</h1><span id="status" data-status="connecting">connecting…</span></header>
<main>
<section id="topology" aria-label="topology"></section>
<section id="controls" aria-label="controls"></section>
<section id="checks" aria-label="checks"></section>
<section id="timeline" aria-label="timeline"></section>
</main>
</body>
</html>
`
  return { html, script, style }
}
