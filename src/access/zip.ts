import { existsSync } from 'node:fs'
import yazl from 'yazl'

export type ZipEntry = { name: string; data: Buffer } | { name: string; path: string }

/** One ZIP in memory: the report, the JSON and the files (packages are small; the size limit bounds them). */
export async function makeZip(entries: ZipEntry[], mtime: Date): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  for (const e of entries) {
    if ('data' in e) zip.addBuffer(e.data, e.name, { mtime })
    else if (existsSync(e.path)) zip.addFile(e.path, e.name, { mtime })
  }
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}
