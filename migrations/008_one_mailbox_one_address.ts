import { domainToASCII, domainToUnicode } from 'node:url'
import { PostgresAdapter, type Kysely } from 'kysely'

// Frozen (issue 14): every stored address rewritten in the one form the portal now reads them in
// (hidden characters dropped, NFC, domain as lower-case Unicode), so a limit, a register match or a
// suppression cannot miss a mailbox because it was once typed with an invisible character.
// Register rows that become the same address are both kept: the one already in the plain form (or
// the oldest) takes it, the other stays as it was and is listed in email_merge_reviews for staff to
// merge by hand (`npx dsr-portal migrate` lists them; only ids and domains, never a local part).
// Also: the outbox remembers which confirmation link an email carries, so the link's lifetime can
// count from the moment the email goes out; an index for the hourly ceiling on confirmation emails;
// and a subscriber's former key, from which the unsubscribe links already sent were derived.

const HIDDEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Cs}]/gu

function normalise(raw: string): string {
  const text = raw.replace(HIDDEN, '').trim().normalize('NFC')
  const at = text.lastIndexOf('@')
  if (at < 0) return text
  const domain = text.slice(at + 1)
  const ascii = domainToASCII(domain)
  return text.slice(0, at) + '@' + (ascii === '' ? domain.toLowerCase() : domainToUnicode(ascii))
}

const keyOf = (raw: string) => normalise(raw).toLowerCase()
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1)

type Row = { id: number; email: string | null; key: string | null }

/** Rewrites rows of a table whose key is unique; returns the rows left apart for a merge by hand. */
async function rewriteUnique(db: Kysely<any>, table: string, keyColumn: string, onChange?: (row: Row, key: string) => Record<string, unknown>) {
  const rows = (await db.selectFrom(table).select(['id', 'email', `${keyColumn} as key`]).orderBy('id').execute()) as Row[]
  const groups = new Map<string, Row[]>()
  for (const row of rows) {
    if (row.key === null || row.key === '') continue
    const key = keyOf(row.key)
    groups.set(key, [...(groups.get(key) ?? []), row])
  }
  const apart: Array<{ row: Row; keptId: number; key: string }> = []
  for (const [key, group] of groups) {
    const kept = group.find((r) => r.key === key) ?? group[0]
    if (kept.key !== key || (kept.email !== null && kept.email !== normalise(kept.email))) {
      await db
        .updateTable(table)
        .set({ email: kept.email === null ? null : normalise(kept.email), [keyColumn]: key, ...(kept.key !== key ? onChange?.(kept, key) : {}) })
        .where('id', '=', kept.id)
        .execute()
    }
    for (const other of group) if (other !== kept) apart.push({ row: other, keptId: kept.id, key })
  }
  return apart
}

async function rewritePlain(db: Kysely<any>, table: string, emailColumn: string, keyColumn: string | null, where?: [string, string[]]) {
  let query = db.selectFrom(table).select(['id', `${emailColumn} as email`, ...(keyColumn ? [`${keyColumn} as key`] : [])])
  if (where) query = query.where(where[0], 'in', where[1])
  const rows = (await query.execute()) as Row[]
  for (const row of rows) {
    if (row.email === null || row.email === '') continue
    const email = normalise(row.email)
    const key = email.toLowerCase()
    if (email === row.email && (!keyColumn || row.key === key)) continue
    await db
      .updateTable(table)
      .set({ [emailColumn]: email, ...(keyColumn ? { [keyColumn]: key } : {}) })
      .where('id', '=', row.id)
      .execute()
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.alterTable('outbox').addColumn('verify_token_hash', 'text').execute()
  await db.schema.createIndex('outbox_kind_sent_idx').on('outbox').columns(['kind', 'sent_at']).execute()
  await db.schema.alterTable('newsletter_subscribers').addColumn('token_key', 'text').execute()
  await (postgres
    ? db.schema.createTable('email_merge_reviews').addColumn('id', 'serial', (c) => c.primaryKey())
    : db.schema.createTable('email_merge_reviews').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('register', 'text', (c) => c.notNull()) // newsletter_subscribers | candidates | staff
    .addColumn('record_id', 'integer', (c) => c.notNull()) // the row left as it was
    .addColumn('kept_id', 'integer', (c) => c.notNull()) // the row that took the address
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await rewritePlain(db, 'submissions', 'email', 'email_key')
  await rewritePlain(db, 'cases', 'email', 'email_key')
  await rewritePlain(db, 'cases', 'controller_email', null)
  await rewritePlain(db, 'clients', 'email', null)
  await rewritePlain(db, 'outbox', 'to_address', null, ['status', ['pending', 'sending']])

  const at = new Date().toISOString()
  const registers: Array<[string, string, ((row: Row) => Record<string, unknown>)?]> = [
    // Links already sent keep working: the token stays derived from the key it was made from.
    ['newsletter_subscribers', 'email_normalized', (row) => ({ token_key: row.key })],
    ['candidates', 'email_normalized'],
    ['staff', 'email_key'],
  ]
  for (const [table, keyColumn, onChange] of registers) {
    for (const { row, keptId, key } of await rewriteUnique(db, table, keyColumn, onChange)) {
      await db.insertInto('email_merge_reviews').values({ register: table, record_id: row.id, kept_id: keptId, domain: domainOf(key), created_at: at }).execute()
    }
  }

  // A suppression is the same fact whichever way the address was typed: one row per address, the earliest.
  const suppressions = (await db.selectFrom('suppressions').select(['email_normalized', 'created_at']).orderBy('created_at').execute()) as Array<{ email_normalized: string; created_at: string }>
  const byKey = new Map<string, string[]>()
  for (const s of suppressions) byKey.set(keyOf(s.email_normalized), [...(byKey.get(keyOf(s.email_normalized)) ?? []), s.email_normalized])
  for (const [key, olds] of byKey) {
    if (olds.length === 1 && olds[0] === key) continue
    const kept = olds.includes(key) ? key : olds[0]
    const drop = olds.filter((o) => o !== kept)
    if (drop.length) await db.deleteFrom('suppressions').where('email_normalized', 'in', drop).execute()
    if (kept !== key) await db.updateTable('suppressions').set({ email_normalized: key }).where('email_normalized', '=', kept).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_merge_reviews').execute()
  await db.schema.alterTable('newsletter_subscribers').dropColumn('token_key').execute()
  await db.schema.dropIndex('outbox_kind_sent_idx').execute()
  await db.schema.alterTable('outbox').dropColumn('verify_token_hash').execute()
}
