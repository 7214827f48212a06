/**
 * The queue's query string (/staff and GET /api/v1/cases), for the OpenAPI document and typed
 * handlers. Deliberately loose: every value is read and checked by src/cases/queue-query.ts, whose
 * answer names each bad parameter, so the schema rejects nothing (a repeated parameter, an
 * unknown one) that the queue accepted before.
 */
import { Type } from '../http/schema.js'

const Text = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }))

export const QueueQuery = Type.Object(
  {
    status: Text('open (default), all, a status, or a comma list of statuses'),
    type: Text('a request type or a comma list of them'),
    assignee: Text('me, unassigned, anyone (default), a staff email or id'),
    due: Text('overdue or week (due from today to today + 7)'),
    sort: Text('due (default: due date, oldest first) or received (newest first)'),
    q: Text('a reference or email by prefix, or a name by substring from 3 characters; at most 200 characters'),
    limit: Text('page size, 1 to 200 (default 50)'),
    cursor: Text('the previous answer’s nextCursor'),
    team: Text('mine, all, or a team key (default: mine for handlers, all for others)'),
    escalated: Text('yes: only cases escalated to the data-protection team'),
  },
  { additionalProperties: true },
)
