import type { FastifyInstance } from 'fastify'
import { sendApiError } from '../http/errors.js'
import { ApiError, ApiErrors, StringEnum, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { CALCULATOR_PROBLEM_TEXT, parseCalculatorQuery } from './calculator-query.js'
import { computeDueDate } from './due-date.js'

const date = (description: string) => Type.Optional(Type.String({ description }))

const CalculatorQuery = Type.Object({
  receivedAt: date('When the request was received (YYYY-MM-DD).'),
  confirmedAt: date('When a web request’s address was confirmed (YYYY-MM-DD); the wait before it is paused.'),
  months: Type.Optional(Type.String({ description: '1 (default) or 3 (extended, Art. 12(3)).' })),
})

const Calculated = Type.Object(
  {
    receivedAt: Type.String(),
    months: Type.Integer(),
    dueDate: Type.String(),
    skipped: Type.Array(Type.Object({ date: Type.String(), reason: StringEnum(['saturday', 'sunday', 'holiday']), holiday: Type.Optional(Type.Object({ sv: Type.String(), en: Type.String() }, { description: 'The holiday’s name' })) }), { description: 'The days the end moved past, and why.' }),
    confirmedAt: Type.Optional(Type.String()),
    pausedDays: Type.Optional(Type.Integer()),
    strictDueDate: Type.Optional(Type.String({ description: 'The due date without the pause.' })),
  },
  { description: 'A deadline (Art. 12(3), Art. 3(4) of Regulation 1182/71)' },
)

/**
 * GET /api/v1/deadlines: the deadline calculator for any dates. The query is read by
 * parseCalculatorQuery, which takes any value (a parameter given twice is an array), so a query
 * the schema would refuse still gets the calculator's own answer, invalid_query with its fields.
 */
export async function deadlineApiRoutes(app: FastifyInstance) {
  const eves = app.config.holidayEves
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get(
    '/deadlines',
    { preValidation: app.requireStaff('viewer'), attachValidation: true, schema: { querystring: CalculatorQuery, response: { 200: Calculated, ...ApiErrors, 400: ApiError } } },
    async (request, reply) => {
      const q = parseCalculatorQuery(request.query ?? {})
      if (!q.ok) {
        const fields = Object.fromEntries(Object.entries(q.fields).map(([k, v]) => [k, CALCULATOR_PROBLEM_TEXT[v]]))
        return sendApiError(reply, 400, { error: 'invalid_query', message: 'The query has errors.', fields })
      }
      const result = computeDueDate({ receivedDate: q.receivedDate, months: q.months, eves, pausedDays: q.pausedDays })
      return {
        receivedAt: result.receivedDate,
        months: result.months,
        dueDate: result.dueDate,
        skipped: result.skipped.map((s) => ({ date: s.date, reason: s.reason, ...(s.holiday ? { holiday: s.holiday } : {}) })),
        // Only with confirmedAt, so the answer without it stays as it was.
        ...(q.confirmedDate ? { confirmedAt: q.confirmedDate, pausedDays: q.pausedDays, strictDueDate: computeDueDate({ receivedDate: q.receivedDate, months: q.months, eves }).dueDate } : {}),
      }
    },
  )
}
