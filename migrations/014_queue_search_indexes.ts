import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Frozen: the queue's search at 1,000,000 cases (issue 16, src/cases/queue-search.ts). Raw SQL,
// one branch per dialect (INCLUDE exists on PostgreSQL only; the exception in migrations/index.ts).
//  - The sort orders' indexes cases_status_due_idx (status, due_date, id) and cases_due_idx
//    (due_date, id) also carry the searched columns: email_key, reference and name. A search with
//    many matches walks one of them and tests each entry; with the columns in the index the walk
//    finds the page's ids without reading the table (SQLite: a covering index; PostgreSQL: an
//    index-only scan, given a vacuumed table), and only the page's rows are read. Same names,
//    same leading columns: every query that used them still does.
//  - PostgreSQL only: cases_email_key_idx becomes (email_key) INCLUDE (id), and the reference gets
//    (reference) INCLUDE (id), so the search's id lists come from the index alone (a common prefix
//    read thousands of table pages). SQLite's indexes already hold the rowid, which is the id.
// Names are at most 200 characters and emails 254 (src/intake/request-types.ts), well within
// PostgreSQL's limit for an index entry.

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index cases_status_due_idx`.execute(db)
  await sql`drop index cases_due_idx`.execute(db)
  if (isPostgres(db)) {
    await sql`create index cases_status_due_idx on cases (status, due_date, id) include (email_key, reference, name)`.execute(db)
    await sql`create index cases_due_idx on cases (due_date, id) include (email_key, reference, name)`.execute(db)
    await sql`drop index cases_email_key_idx`.execute(db)
    await sql`create index cases_email_key_idx on cases (email_key) include (id)`.execute(db)
    await sql`create index cases_reference_id_idx on cases (reference) include (id)`.execute(db)
    return
  }
  await sql`create index cases_status_due_idx on cases (status, due_date, id, email_key, reference, name)`.execute(db)
  await sql`create index cases_due_idx on cases (due_date, id, email_key, reference, name)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index cases_status_due_idx`.execute(db)
  await sql`drop index cases_due_idx`.execute(db)
  await sql`create index cases_status_due_idx on cases (status, due_date, id)`.execute(db)
  await sql`create index cases_due_idx on cases (due_date, id)`.execute(db)
  if (isPostgres(db)) {
    await sql`drop index cases_reference_id_idx`.execute(db)
    await sql`drop index cases_email_key_idx`.execute(db)
    await sql`create index cases_email_key_idx on cases (email_key)`.execute(db)
  }
}
