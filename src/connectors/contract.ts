/**
 * What a fulfilment task asks of a system, and what a system answers: the seam between the task
 * engine (src/tasks/: which tasks a case gets, their states, approvals, the API and pages) and
 * the connectors (src/connectors/: how each kind of system is reached). Types only, so neither
 * side imports the other's code; the engine looks a connector up by the system's kind.
 */

/** What a task does in its system, from the case's request type. */
export const TASK_ACTIONS = ['access', 'erasure', 'rectification', 'restriction'] as const
export type TaskAction = (typeof TASK_ACTIONS)[number]

/** Whom a task is about: the case's confirmed address (normalised) and the name they gave. */
export interface Subject {
  email: string
  name?: string | null
}

/** Rectification's new values, by column (sql) or by field name (webhook, email, manual). */
export type Corrections = Record<string, string>

/** A task as a connector sees it. */
export interface TaskRequest {
  taskId: string
  caseReference: string
  action: TaskAction
  subject: Subject
  corrections?: Corrections
  /** The case's language: what an email to a supplier is written in. */
  lang: 'sv' | 'en'
}

/**
 * What a connector plans to change, shown to the handler before they approve it: one line per
 * table or step ("delete 1 row from customers; null address in orders (2 rows)"), each with the
 * rows it will touch. Approval is of this exact summary.
 */
export interface ChangePlan {
  summary: string
  steps: Array<{ table?: string; description: string; rows: number }>
  /** False when the system cannot do the action (e.g. a table without `restrict`): the task becomes a manual one for the owner. */
  possible: boolean
}

/**
 * A connector's answer. `done`: the task is finished now. `later`: the answer comes by another way
 * (a webhook's 202 and its callback, an email supplier's link, a manual owner).
 */
export type TaskOutcome =
  | {
      kind: 'done'
      status: 'completed' | 'not_found' | 'failed'
      /** Access: what was found, by table (sql) or as the system sent it (webhook). */
      records?: Record<string, unknown[]> | unknown[]
      /** Changes: rows affected, by table. */
      rows?: Record<string, number>
      message?: string
    }
  | { kind: 'later' }

/** One check of "Test connection": a table (sql) or the endpoint (webhook). */
export interface ConnectionCheck {
  table: string
  ok: boolean
  message: string
}

/** Where a webhook answers later (202), and the token it must send back (only its hash is stored). */
export interface Callback {
  url: string
  token: string
}

/**
 * How the task engine reaches one system. A connector makes one attempt per call: it throws when
 * the system could not be reached (network, 5xx), and the engine retries with backoff; a
 * connector never writes the portal's tables.
 */
export interface Connector {
  /** "Test connection": each table and column (sql), or that the endpoint answers (webhook). */
  test(): Promise<ConnectionCheck[]>
  /** What erasure, rectification or restriction would change: shown for approval, never changing anything. */
  plan(req: TaskRequest): Promise<ChangePlan>
  /** Carries the task out: read-only for access; one transaction per system for changes. */
  run(req: TaskRequest, callback: Callback): Promise<TaskOutcome>
}

/** Looks up the connector of a system by its key; null for kinds the engine carries out itself (register, email, manual). */
export type ConnectorLookup = (systemKey: string) => Promise<Connector | null>
