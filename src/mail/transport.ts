import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import type { OutboxRow } from '../db/schema.js'

export interface MailTransport {
  readonly kind: 'smtp' | 'dev-mailbox'
  send(row: OutboxRow, from: string): Promise<void>
  close(): void
}

/** An image the HTML of an email may show by its Content-ID (BRAND_LOGO, see src/mail/render.ts). */
export interface InlineImage {
  cid: string
  filename: string
  contentType: string
  content: Uint8Array
}

function toMessage(row: OutboxRow, from: string, inline: readonly InlineImage[] = []): SendMailOptions {
  // Only the images this email's HTML shows travel with it.
  const attachments = inline
    .filter((image) => row.html_body?.includes(`cid:${image.cid}`))
    .map((image) => ({ cid: image.cid, filename: image.filename, contentType: image.contentType, content: Buffer.from(image.content), contentDisposition: 'inline' as const }))
  return {
    ...(attachments.length ? { attachments } : {}),
    from,
    to: row.to_name ? { name: row.to_name, address: row.to_address } : row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body ?? undefined,
    messageId: row.message_id,
    headers: row.headers ? (JSON.parse(row.headers) as Record<string, string>) : undefined,
    // Nodemailer would otherwise let a header value start a new line.
    disableFileAccess: true,
    disableUrlAccess: true,
  }
}

/**
 * A connection per email made the outbox crawl (about 45 emails a second to a local server, so a
 * burst of requests took minutes to confirm); a pool of reused connections (nodemailer's default
 * of five, as many as the worker sends at once) sends about ten times as many. `pool` set in
 * SMTP_URL wins.
 */
export function pooledSmtpUrl(smtpUrl: string): string {
  if (/[?&]pool=/i.test(smtpUrl)) return smtpUrl
  const hash = smtpUrl.indexOf('#')
  const [base, fragment] = hash === -1 ? [smtpUrl, ''] : [smtpUrl.slice(0, hash), smtpUrl.slice(hash)]
  return `${base}${base.includes('?') ? '&' : '?'}pool=true${fragment}`
}

export function smtpTransport(smtpUrl: string, inline: readonly InlineImage[] = []): MailTransport {
  const transporter = nodemailer.createTransport(pooledSmtpUrl(smtpUrl), { disableFileAccess: true, disableUrlAccess: true })
  // A pooled connection that fails between sends is reported to the send that meets it; the
  // transporter's own error event has nothing to add and must not crash the process.
  transporter.on('error', () => {})
  return {
    kind: 'smtp',
    async send(row, from) {
      await transporter.sendMail(toMessage(row, from, inline))
    },
    close: () => transporter.close(),
  }
}

/** Development: each email is an .eml file, and its links go to the console so a newcomer can click them. */
export function devMailboxTransport(dir: string, print: (line: string) => void, inline: readonly InlineImage[] = []): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'dev-mailbox',
    async send(row, from) {
      const info = await transporter.sendMail(toMessage(row, from, inline))
      mkdirSync(dir, { recursive: true })
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      const file = join(dir, `${stamp}-${row.id}-${row.kind}.eml`)
      writeFileSync(file, info.message as Buffer, { mode: 0o600 })
      const links = [...new Set(row.text_body.match(/https?:\/\/[^\s<>"]+/g) ?? [])]
      print(`[dev mailbox] ${row.kind} email saved to ${file}`)
      for (const link of links) print(`[dev mailbox]   ${link}`)
    },
    close: () => transporter.close(),
  }
}
