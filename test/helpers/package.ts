import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import yauzl from 'yauzl'

/** A multipart/form-data body: fields first (as browsers send them in form order), then one file. */
export function multipart(fields: Record<string, string>, file?: { field?: string; name: string; content: Buffer | string; type?: string }) {
  const boundary = '----dsrtest' + randomBytes(8).toString('hex')
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`))
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
    parts.push(Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Every entry of a ZIP, read with yauzl. */
export function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'))
      const out = new Map<string, Buffer>()
      zip.on('error', reject)
      zip.on('end', () => resolve(out))
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e)
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks))
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  })
}

export const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('1 0 obj << >> endobj\n%%EOF\n')])
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)])

/** Register rows the way issue 5's services write them (only the tables exist on this branch). */
export async function insertSubscriber(app: FastifyInstance, email: string, extra: { name?: string; phone?: string; source?: string | null } = {}) {
  const at = app.clock().toISOString()
  await app.db
    .insertInto('newsletter_subscribers')
    .values({ email, email_normalized: email.trim().toLowerCase(), name: extra.name ?? null, phone: extra.phone ?? null, source: extra.source ?? null, subscribed_at: '2025-03-01T09:00:00.000Z', status: 'subscribed', unsubscribed_at: null, unsubscribe_token_hash: randomBytes(32).toString('hex'), created_at: at, updated_at: at })
    .execute()
}

export async function insertCandidate(app: FastifyInstance, email: string, extra: { name?: string; cvPath?: string | null; cvFilename?: string } = {}) {
  const at = app.clock().toISOString()
  await app.db
    .insertInto('candidates')
    .values({
      email,
      email_normalized: email.trim().toLowerCase(),
      email_hash: randomBytes(32).toString('hex'),
      name: extra.name ?? null,
      phone: '070-123 45 67',
      cv_path: extra.cvPath ?? null,
      cv_filename: extra.cvFilename ?? (extra.cvPath ? 'cv.pdf' : null),
      cv_content_type: extra.cvPath ? 'application/pdf' : null,
      cv_size: extra.cvPath ? PDF.length : null,
      consent_given_at: '2025-01-10T08:00:00.000Z',
      consent_expires_at: '2028-01-10T08:00:00.000Z',
      status: 'active',
      withdrawn_at: null,
      erased_at: null,
      erasure_reason: null,
      created_at: at,
      updated_at: at,
    })
    .execute()
}

/** The one-time code in a code email: six digits on a line of their own. */
export function codeIn(text: string | undefined): string {
  const m = /^\s*(\d{6})\s*$/m.exec(text ?? '')
  if (!m) throw new Error('no code in: ' + text)
  return m[1]
}
