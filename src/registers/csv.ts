import { CsvError as ParseError, parse } from 'csv-parse/sync'

/**
 * A CSV reader for what spreadsheets export: UTF-8 with or without a byte-order mark, comma or
 * semicolon (Swedish Excel) as the separator, fields in double quotes with "" for a quote and
 * line breaks inside, CRLF or LF line ends. Each record keeps the line it started on for the
 * import report. The parsing is csv-parse's; the separator guess and the line numbers are ours.
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

/**
 * The separator is the one of ';' ',' and tab that appears most often in the header line, outside
 * quotes. Hand-written: csv-parse takes a list of separators but accepts any of them anywhere, so
 * a comma inside a semicolon file's unquoted name would split it.
 */
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

const LINE_BREAK = /\r\n|\r|\n/g
const TERMINATOR = /(\r\n|\r|\n)$/

const breaks = (text: string) => text.match(LINE_BREAK)?.length ?? 0

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  if (text.trim() === '') throw new CsvError(1, 'empty')
  let parsed: { record: string[]; raw: string }[]
  try {
    parsed = parse(text, {
      delimiter: detectDelimiter(text),
      record_delimiter: ['\r\n', '\n', '\r'],
      // A row with the wrong number of fields is the import's to reject (field_count), not the file's.
      relax_column_count: true,
      // A quote inside an unquoted field is text; one after leading blanks opens a quoted field.
      relax_quotes: true,
      ltrim: true,
      // Each record with its source text, to count lines by (csv-parse's `info` counts a CRLF inside quotes as two, and is slow).
      raw: true,
    }) as unknown as { record: string[]; raw: string }[]
  } catch (error) {
    // With quotes and column counts relaxed, an unclosed quote is the one error left: `bytes` is where its field starts.
    if (error instanceof ParseError) {
      const bytes = typeof (error as { bytes?: unknown }).bytes === 'number' ? (error as unknown as { bytes: number }).bytes : 0
      throw new CsvError(1 + breaks(Buffer.from(text).subarray(0, bytes).toString('utf8')), 'unclosed_quote')
    }
    throw error
  }
  const records: CsvRecord[] = []
  let line = 1
  for (const { record, raw } of parsed) {
    // Blank lines (a single empty field) are not records.
    if (!(record.length === 1 && record[0].trim() === '')) records.push({ line, fields: record })
    line += breaks(raw.replace(TERMINATOR, '')) + 1
  }
  return records
}
