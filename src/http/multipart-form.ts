import type { FastifyRequest } from 'fastify'

export interface MultipartForm {
  fields: Record<string, string>
  file: { field: string; filename: string; bytes: Buffer; truncated: boolean } | null
}

/**
 * Reads a multipart form: its text fields and at most one file, which stops at `maxBytes` (and
 * says so by `truncated`). Needs @fastify/multipart registered in the calling scope.
 */
export async function readMultipartForm(request: FastifyRequest, maxBytes: number, limits: { fields: number; fieldSize: number } = { fields: 10, fieldSize: 1000 }): Promise<MultipartForm> {
  const out: MultipartForm = { fields: {}, file: null }
  if (!request.isMultipart()) return out
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, ...limits } })) {
      if (part.type === 'file') {
        const chunks: Buffer[] = []
        for await (const chunk of part.file) chunks.push(chunk as Buffer)
        out.file = { field: part.fieldname, filename: part.filename, bytes: Buffer.concat(chunks), truncated: part.file.truncated }
      } else {
        out.fields[part.fieldname] = typeof part.value === 'string' ? part.value : ''
      }
    }
  } catch (error) {
    if (typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error
    // The parser's own refusals (a body that ends early, a broken boundary) carry no status: bad input, not a fault.
    throw Object.assign(new Error('malformed multipart body'), { statusCode: 400, code: 'MULTIPART_MALFORMED' })
  }
  return out
}
