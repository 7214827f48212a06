import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'

export interface CvType {
  contentType: string
  ext: string
}

/**
 * What a file is, from its first bytes; the name and the browser's Content-Type are not trusted.
 * Accepted: PDF, Word (.docx, and the old .doc), OpenDocument text and RTF.
 */
export function sniffCv(bytes: Buffer, filename: string): CvType | null {
  const head = bytes.subarray(0, 8)
  const lower = filename.toLowerCase()
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return { contentType: 'application/pdf', ext: 'pdf' }
  if (head.subarray(0, 5).toString('latin1') === '{\\rtf') return { contentType: 'application/rtf', ext: 'rtf' }
  if (head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) && lower.endsWith('.doc')) return { contentType: 'application/msword', ext: 'doc' }
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    // A ZIP: only a Word or OpenDocument document, which say so inside the archive.
    const inner = bytes.subarray(0, Math.min(bytes.length, 64 * 1024)).toString('latin1')
    if (lower.endsWith('.docx') && inner.includes('word/')) return { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' }
    if (lower.endsWith('.odt') && inner.includes('application/vnd.oasis.opendocument.text')) return { contentType: 'application/vnd.oasis.opendocument.text', ext: 'odt' }
  }
  return null
}

/**
 * Writes a file to DATA_DIR/<folder> (never served) under a random name, never the uploaded one,
 * and returns the path relative to DATA_DIR. Also used for proofs of authority (src/intake/proof.ts).
 */
export async function storePrivateFile(dataDir: string, folder: string, bytes: Buffer, ext: string): Promise<string> {
  const dir = join(dataDir, folder)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const name = `${randomBytes(18).toString('base64url')}.${ext}`
  const tmp = join(dir, `.${name}.tmp`)
  await writeFile(tmp, bytes, { mode: 0o600 })
  await rename(tmp, join(dir, name))
  return `${folder}/${name}`
}

/** The absolute path of a stored file, refusing anything that would lead outside its folder. */
export function privateFilePath(dataDir: string, folder: string, relative: string): string {
  const dir = resolve(dataDir, folder)
  const full = resolve(dataDir, relative)
  if (!full.startsWith(dir + sep)) throw new Error(`path outside the ${folder} folder`)
  return full
}

export async function storeCv(dataDir: string, bytes: Buffer, type: CvType): Promise<string> {
  return storePrivateFile(dataDir, 'cvs', bytes, type.ext)
}

export function cvFile(dataDir: string, relative: string): string {
  return privateFilePath(dataDir, 'cvs', relative)
}

/** Deletes a stored CV; one already gone counts as deleted (a retried erasure must not fail). */
export async function deleteCv(dataDir: string, relative: string): Promise<void> {
  await rm(cvFile(dataDir, relative), { force: true })
}

/** A file name safe to show and to put in Content-Disposition. */
export function cleanFilename(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const base = raw.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, '').trim()
  return (base || 'cv').slice(0, 200)
}
