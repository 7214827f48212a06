import type { FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { packageError } from './errors.js'
import { isRefusal } from './refusal.js'

export class UploadProblem extends Error {
  constructor(readonly code: 'csrf') {
    super(code)
    this.name = 'UploadProblem'
  }
}

/**
 * Reads a multipart upload of exactly one file. The fields before the file are checked first
 * (`accept`, e.g. the CSRF field), so a forged request stores nothing. The file is staged (checked
 * and stored, not yet recorded) and the rest of the body read to its end: only a request that ends
 * well with one file is committed; otherwise the staged file is discarded and nothing changes.
 */
export async function readUpload<T>(
  request: FastifyRequest,
  accept: (fields: Record<string, unknown>) => boolean,
  upload: {
    stage: (filename: string, stream: Readable & { truncated?: boolean }) => Promise<T>
    discard: (staged: T) => Promise<void>
    commit: (staged: T) => Promise<unknown>
  },
): Promise<void> {
  if (!request.isMultipart()) {
    const body = request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {}
    if (!accept(body)) throw new UploadProblem('csrf')
    throw packageError('file_required')
  }
  const fields: Record<string, unknown> = {}
  let staged: { value: T } | null = null
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = part.value
        continue
      }
      if (staged || !accept(fields) || !part.filename) {
        part.file.resume()
        if (staged) throw packageError('file_required')
        throw accept(fields) ? packageError('file_required') : new UploadProblem('csrf')
      }
      staged = { value: await upload.stage(part.filename, part.file) }
    }
  } catch (error) {
    if (staged) await upload.discard(staged.value)
    // The multipart parser's own refusals (too many parts or files, a broken body) are bad input, not a fault.
    const status = (error as { statusCode?: number }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500 && !(error instanceof UploadProblem) && !isRefusal(error)) throw packageError('file_required')
    throw error
  }
  if (!staged) {
    if (!accept(fields)) throw new UploadProblem('csrf')
    throw packageError('file_required')
  }
  await upload.commit(staged.value)
}
