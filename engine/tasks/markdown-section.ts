// The documents the lab measures itself into (docs/RELIABILITY.md by the soak, docs/BENCHMARKS.md by the bench)
// keep their measured parts between two HTML comments; this rewrites the text between them, nothing else.

export interface SectionMarkers {
  begin: string
  end: string
}

/** The document with the body between the markers replaced; undefined when it has no such section. */
export function replaceSection(document: string, { begin, end }: SectionMarkers, body: string): string | undefined {
  const start = document.indexOf(begin)
  const stop = document.indexOf(end, start)
  if (start < 0 || stop < 0) return undefined
  return `${document.slice(0, start + begin.length)}\n${body}\n${document.slice(stop)}`
}
