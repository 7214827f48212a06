import type { FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { packageError } from './errors.js'

export class UploadProblem extends Error {
  constructor(readonly code: 'csrf') {
    super(code)
    this.name = 'UploadProblem'
  }
}

/**
 * Reads a multipart upload of one file. The fields before the file are checked first (`accept`,
 * e.g. the CSRF field), so a refused request stores nothing; parts after the first file are skipped.
 */
export async function readUpload(
  request: FastifyRequest,
  accept: (fields: Record<string, unknown>) => boolean,
  onFile: (filename: string, stream: Readable & { truncated?: boolean }) => Promise<unknown>,
): Promise<void> {
  if (!request.isMultipart()) {
    const body = request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {}
    if (!accept(body)) throw new UploadProblem('csrf')
    throw packageError('file_required')
  }
  const fields: Record<string, unknown> = {}
  let done = false
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = part.value
        continue
      }
      if (done) {
        part.file.resume()
        continue
      }
      if (!accept(fields)) {
        part.file.resume()
        throw new UploadProblem('csrf')
      }
      if (!part.filename) {
        part.file.resume()
        throw packageError('file_required')
      }
      done = true
      await onFile(part.filename, part.file)
    }
  } catch (error) {
    // The multipart parser's own refusals (too many parts, a broken body) are bad input, not a fault.
    const status = (error as { statusCode?: number }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500 && !(error instanceof UploadProblem) && !('messages' in (error as object))) throw packageError('file_required')
    throw error
  }
  if (!done) {
    if (!accept(fields)) throw new UploadProblem('csrf')
    throw packageError('file_required')
  }
}
