// What a program prints, and the names of the files and folders students hand in, reach a teacher's terminal,
// CI logs, JUnit, CSV and GitHub annotations. Control characters there can forge lines ("\n✔ passed"), annotations
// ("\r::error"), or rewrite the terminal (ESC sequences); every reporter shows untrusted text through visible().

/** C0 and C1 controls, DEL, Unicode line/paragraph separators and bidirectional overrides; the tab stays. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u001b': '\\x1b' }

/** The text with every unsafe character written out (`\n`, `\x1b`, `\u202e`); other Unicode, accents included, unchanged. */
export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0)
    return (
      NAMED[c] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    )
  })
}
