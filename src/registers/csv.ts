/**
 * A CSV reader for what spreadsheets export: UTF-8 with or without a byte-order mark, comma or
 * semicolon (Swedish Excel) as the separator, fields in double quotes with "" for a quote and
 * line breaks inside, CRLF or LF line ends. Each record keeps the line it started on for the
 * import report.
 */
export interface CsvRecord {
  line: number
  fields: string[]
}

export class CsvError extends Error {
  constructor(readonly line: number, readonly problem: 'unclosed_quote' | 'empty') {
    super(problem)
  }
}

/** The separator is the one of ';' ',' and tab that appears most often in the header line, outside quotes. */
export function detectDelimiter(text: string): string {
  const counts = new Map([[',', 0], [';', 0], ['\t', 0]])
  let quoted = false
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && (ch === '\n' || ch === '\r')) break
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1)
  }
  let best = ','
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d
  return best
}

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  if (text.trim() === '') throw new CsvError(1, 'empty')
  const delimiter = detectDelimiter(text)
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  let quoted = false
  let i = 0
  const n = text.length
  const endRecord = () => {
    fields.push(field)
    // Blank lines (a single empty field) are not records.
    if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ line: recordLine, fields })
    fields = []
    field = ''
  }
  const d = delimiter.charCodeAt(0)
  while (i < n) {
    const code = text.charCodeAt(i)
    if (quoted) {
      // Copy up to the next quote in one go.
      const q = text.indexOf('"', i)
      if (q < 0) {
        i = n
        break
      }
      const chunk = text.slice(i, q)
      for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++
      field += chunk
      if (text.charCodeAt(q + 1) === 34) {
        field += '"'
        i = q + 2
      } else {
        quoted = false
        i = q + 1
      }
      continue
    }
    if (code === 34 && field.trim() === '') {
      quoted = true
      field = ''
      i++
    } else if (code === d) {
      fields.push(field)
      field = ''
      i++
    } else if (code === 13 || code === 10) {
      endRecord()
      i += code === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1
      line++
      recordLine = line
    } else {
      // An unquoted run up to the next separator, quote or line end.
      let j = i + 1
      while (j < n) {
        const c = text.charCodeAt(j)
        if (c === d || c === 10 || c === 13 || c === 34) break
        j++
      }
      field += text.slice(i, j)
      i = j
    }
  }
  if (quoted) throw new CsvError(recordLine, 'unclosed_quote')
  if (field !== '' || fields.length > 0) endRecord()
  return records
}
