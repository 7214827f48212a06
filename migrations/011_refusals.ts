import type { Kysely } from 'kysely'

// Issue 15 §§3–4: every refusal, in whole or in part, keeps its reason (Art. 12(4)); a request
// refused as manifestly unfounded or excessive (Art. 12(5)) keeps the earlier cases it relies on;
// an access package keeps what was left out of it and why (Art. 15(4)).

export async function up(db: Kysely<any>): Promise<void> {
  // The reason sent to the requester with a rejection or an Art. 12(5) refusal; null otherwise.
  await db.schema.alterTable('cases').addColumn('refusal_reason', 'text').execute()
  // JSON array of case ids: the earlier cases an Art. 12(5) refusal relies on.
  await db.schema.alterTable('cases').addColumn('refusal_evidence', 'text').execute()
  // A completed case where part of the request was not carried out: the reason sent.
  await db.schema.alterTable('cases').addColumn('partial_refusal_reason', 'text').execute()
  // JSON [{description, reason}], sealed like the package data: what was withheld and why.
  await db.schema.alterTable('access_packages').addColumn('withheld', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('access_packages').dropColumn('withheld').execute()
  await db.schema.alterTable('cases').dropColumn('partial_refusal_reason').execute()
  await db.schema.alterTable('cases').dropColumn('refusal_evidence').execute()
  await db.schema.alterTable('cases').dropColumn('refusal_reason').execute()
}
