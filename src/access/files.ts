import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/**
 * Files staff add to a package from other systems. Only these types, and each must both be named
 * so AND start like one (magic bytes): a renamed executable is refused. Stored under
 * DATA_DIR/packages with a random name the server picks; nothing there is ever served directly.
 */

type Sniff = (head: Buffer) => boolean

const starts = (...bytes: number[]): Sniff => (head) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b)
const ZIP = starts(0x50, 0x4b, 0x03, 0x04)
/** Text: no NUL and no control characters besides tab, newline, carriage return and form feed. */
// eslint-disable-next-line no-control-regex
const text: Sniff = (head) => head.length > 0 && !/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(head.toString('latin1'))
const json: Sniff = (head) => text(head) && /^\s*[[{]/.test(head.toString('utf8'))

export const ALLOWED_TYPES: Record<string, { contentType: string; sniff: Sniff }> = {
  pdf: { contentType: 'application/pdf', sniff: starts(0x25, 0x50, 0x44, 0x46, 0x2d) },
  png: { contentType: 'image/png', sniff: starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  jpg: { contentType: 'image/jpeg', sniff: starts(0xff, 0xd8, 0xff) },
  jpeg: { contentType: 'image/jpeg', sniff: starts(0xff, 0xd8, 0xff) },
  txt: { contentType: 'text/plain; charset=utf-8', sniff: text },
  csv: { contentType: 'text/csv; charset=utf-8', sniff: text },
  json: { contentType: 'application/json', sniff: json },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', sniff: ZIP },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', sniff: ZIP },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', sniff: ZIP },
  ods: { contentType: 'application/vnd.oasis.opendocument.spreadsheet', sniff: ZIP },
}

export const ALLOWED_EXTENSIONS = Object.keys(ALLOWED_TYPES)

export function extensionOf(filename: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(filename)
  return m ? m[1].toLowerCase() : ''
}

/** A name safe to show and to put in a ZIP: no folders, no control characters, bounded length. */
export function cleanFilename(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (raw.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"<>:|?*]+/g, '_').trim()
  const name = base.replace(/^\.+/, '') || 'file'
  if (name.length <= 120) return name
  const ext = extensionOf(name)
  return name.slice(0, 110) + (ext ? '.' + ext : '')
}

export const PACKAGES_FOLDER = 'packages'

/** The absolute path of a stored file, refusing anything that would leave DATA_DIR/packages. */
export function storedPath(dataDir: string, storedName: string): string {
  const root = resolve(dataDir, PACKAGES_FOLDER)
  const full = resolve(dataDir, storedName)
  if (!full.startsWith(root + sep)) throw new Error('stored file outside the packages folder')
  return full
}

/** A register file (e.g. a candidate's CV, relative to DATA_DIR): its path, or null if outside DATA_DIR. */
export function registerFilePath(dataDir: string, relative: string): string | null {
  const root = resolve(dataDir)
  const full = resolve(root, relative)
  return full.startsWith(root + sep) ? full : null
}

export type StoreResult =
  | { ok: true; storedName: string; size: number; sha256: string; contentType: string; extension: string }
  | { ok: false; problem: 'too_large' | 'type' | 'empty' }

/**
 * Streams an upload to a temporary file, then checks its size, its extension and its first bytes;
 * only then does it get its final (random) name. Anything refused is removed at once.
 */
export async function storeUpload(dataDir: string, filename: string, stream: Readable & { truncated?: boolean }): Promise<StoreResult> {
  const folder = resolve(dataDir, PACKAGES_FOLDER)
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const id = randomBytes(16).toString('hex')
  const temp = join(folder, `${id}.part`)
  const hash = createHash('sha256')
  let size = 0
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length
    hash.update(chunk)
  })
  try {
    await pipeline(stream, createWriteStream(temp, { mode: 0o600 }))
  } catch (error) {
    // A body cut short mid-file: its part file must not stay behind.
    await rm(temp, { force: true })
    throw error
  }
  const refuse = async (problem: 'too_large' | 'type' | 'empty'): Promise<StoreResult> => {
    await rm(temp, { force: true })
    return { ok: false, problem }
  }
  if (stream.truncated) return refuse('too_large')
  if (size === 0) return refuse('empty')
  const extension = extensionOf(filename)
  const type = ALLOWED_TYPES[extension]
  if (!type) return refuse('type')
  const handle = await open(temp, 'r')
  const head = Buffer.alloc(Math.min(size, 4096))
  try {
    await handle.read(head, 0, head.length, 0)
  } finally {
    await handle.close()
  }
  if (!type.sniff(head)) return refuse('type')
  const storedName = `${PACKAGES_FOLDER}/${id}.bin`
  await rename(temp, resolve(dataDir, storedName))
  return { ok: true, storedName, size, sha256: hash.digest('hex'), contentType: type.contentType, extension }
}

export async function removeStored(dataDir: string, storedName: string): Promise<void> {
  await rm(storedPath(dataDir, storedName), { force: true })
}
