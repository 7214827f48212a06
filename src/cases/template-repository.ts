import type { Executor } from '../db/connection.js'
import type { Lang } from '../i18n/index.js'

export interface TemplateRow {
  title: string
  subject: string
  body: string
}

/** An admin's stored edit of a template, if there is one. */
export async function findTemplate(db: Executor, key: string, lang: Lang): Promise<TemplateRow | undefined> {
  return db.selectFrom('message_templates').select(['title', 'subject', 'body']).where('key', '=', key).where('lang', '=', lang).executeTakeFirst()
}

export async function upsertTemplate(db: Executor, key: string, lang: Lang, text: TemplateRow, staffId: number, at: string): Promise<void> {
  await db
    .insertInto('message_templates')
    .values({ key, lang, ...text, updated_at: at, updated_by: staffId })
    .onConflict((oc) => oc.columns(['key', 'lang']).doUpdateSet({ ...text, updated_at: at, updated_by: staffId }))
    .execute()
}
