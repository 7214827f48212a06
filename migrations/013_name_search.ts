import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Frozen: a trigram index for the queue's name search (a case-insensitive substring from three
// characters, src/cases/queue-repository.ts), so it no longer scans every case. Raw SQL by
// necessity, one branch per dialect (the only exception to the rules in migrations/index.ts):
//  - SQLite: an FTS5 table with the trigram tokenizer over cases.name (external content: it holds
//    only the index, not a second copy of the names), kept in step by triggers, so a name that is
//    changed or erased leaves the index at once. Its tokenizer folds case across Unicode.
//  - PostgreSQL: a GIN index of pg_trgm on lower(name), which `lower(name) like '%…%'` uses.
//    pg_trgm lives in the schema it was created in (public when this creates it) and is named
//    with it, so the index works whatever search_path the portal uses. Where the extension is
//    missing and cannot be created (no privilege), the search still works, by scanning.

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter

async function trgmSchema(db: Kysely<any>): Promise<string | null> {
  const row = await sql<{ nspname: string }>`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)
  return row.rows[0]?.nspname ?? null
}

async function ensureTrgm(db: Kysely<any>): Promise<string | null> {
  const existing = await trgmSchema(db)
  if (existing) return existing
  // A failed statement would abort the migration's transaction: try it under a savepoint.
  const guarded = db.isTransaction
  if (guarded) await sql`savepoint create_pg_trgm`.execute(db)
  try {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db)
    if (guarded) await sql`release savepoint create_pg_trgm`.execute(db)
  } catch {
    if (guarded) await sql`rollback to savepoint create_pg_trgm`.execute(db)
  }
  return trgmSchema(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    const schema = await ensureTrgm(db)
    if (schema) await sql`create index cases_name_trgm_idx on cases using gin (lower(name) ${sql.id(schema)}.gin_trgm_ops)`.execute(db)
    return
  }
  await sql`create virtual table cases_name_fts using fts5(name, content='cases', content_rowid='id', tokenize='trigram')`.execute(db)
  await sql`create trigger cases_name_fts_insert after insert on cases begin
    insert into cases_name_fts (rowid, name) values (new.id, new.name);
  end`.execute(db)
  await sql`create trigger cases_name_fts_delete after delete on cases begin
    insert into cases_name_fts (cases_name_fts, rowid, name) values ('delete', old.id, old.name);
  end`.execute(db)
  await sql`create trigger cases_name_fts_update after update of name on cases begin
    insert into cases_name_fts (cases_name_fts, rowid, name) values ('delete', old.id, old.name);
    insert into cases_name_fts (rowid, name) values (new.id, new.name);
  end`.execute(db)
  await sql`insert into cases_name_fts (cases_name_fts) values ('rebuild')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop index if exists cases_name_trgm_idx`.execute(db)
    return
  }
  for (const trigger of ['cases_name_fts_insert', 'cases_name_fts_delete', 'cases_name_fts_update']) await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db)
  await sql`drop table if exists cases_name_fts`.execute(db)
}
