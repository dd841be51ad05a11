// Colours for a person's terminal, from Node's own util.styleText: off with NO_COLOR, on with FORCE_COLOR, on a TTY and
// in GitHub Actions' log (which renders them), off in other pipes.
import { styleText } from 'node:util'

const enabled =
  !process.env.NO_COLOR &&
  (Boolean(process.env.FORCE_COLOR) || Boolean(process.stdout.isTTY) || process.env.GITHUB_ACTIONS === 'true')

const paint = (format: 'green' | 'red' | 'yellow' | 'dim' | 'bold') => (text: string) =>
  enabled ? styleText(format, text, { validateStream: false }) : text

export const color = {
  green: paint('green'),
  red: paint('red'),
  yellow: paint('yellow'),
  dim: paint('dim'),
  bold: paint('bold'),
} as const
