import { ApiError, ApiErrors, StringEnum, Type } from '../http/schema.js'
import { TASK_ACTIONS } from '../connectors/contract.js'
import { HAND_OUTCOMES, TASK_STATUSES } from './state-machine.js'
import { MAX_NOTE } from './service.js'

/** A task as the API answers it: what its system found or changed is in `result`. */
export const TaskOut = Type.Object({
  id: Type.Integer(),
  system: Type.String({ description: "The system's key on the data map." }),
  action: StringEnum(TASK_ACTIONS),
  status: StringEnum(TASK_STATUSES),
  approvedBy: Type.Optional(Type.String({ description: 'The address of the handler who approved the change.' })),
  planSummary: Type.Optional(Type.String({ description: 'The change plan approved, as shown then.' })),
  note: Type.Optional(Type.String({ description: "A handler's note, or the reason it was waived." })),
  result: Type.Optional(
    Type.Object({
      rows: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'Rows found or changed, by table.' })),
      records: Type.Optional(Type.Unknown({ description: 'What the system found (access): by table, or a list as the system sent it.' })),
      message: Type.Optional(Type.String()),
    }),
  ),
  updatedAt: Type.String({ description: 'ISO 8601, UTC.' }),
})

export const TaskList = Type.Object({ items: Type.Array(TaskOut) })

export const CaseTaskParams = Type.Object({ id: Type.String(), taskId: Type.String() })
export const TaskParams = Type.Object({ taskId: Type.String() })

export const ApproveBody = Type.Object(
  { taskIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 200, description: 'The tasks to approve; all waiting ones if left out.' })) },
  { additionalProperties: false },
)
export const CompleteBody = Type.Object({ status: StringEnum(HAND_OUTCOMES), note: Type.Optional(Type.String({ maxLength: MAX_NOTE })) }, { additionalProperties: false })
export const WaiveBody = Type.Object({ reason: Type.String({ maxLength: MAX_NOTE }) }, { additionalProperties: false })

export const CallbackIn = Type.Object({
  status: StringEnum(['completed', 'not_found', 'failed'] as const),
  records: Type.Optional(Type.Array(Type.Unknown())),
  message: Type.Optional(Type.String({ maxLength: MAX_NOTE })),
})

/** 409: the task is final or cannot move that way; tasks_open when a case is completed with open tasks. */
export const WriteErrors = { ...ApiErrors, 409: ApiError } as const
export const CallbackErrors = { 400: ApiError, 401: ApiError, 404: ApiError, 409: ApiError, 413: ApiError } as const
