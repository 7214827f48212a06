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
  for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, ...limits } })) {
    if (part.type === 'file') {
      const chunks: Buffer[] = []
      for await (const chunk of part.file) chunks.push(chunk as Buffer)
      out.file = { field: part.fieldname, filename: part.filename, bytes: Buffer.concat(chunks), truncated: part.file.truncated }
    } else {
      out.fields[part.fieldname] = typeof part.value === 'string' ? part.value : ''
    }
  }
  return out
}
