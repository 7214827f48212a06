import t from 'tap'
import { BLOCKING_STATUSES, isBlocking, TASK_STATUSES, taskTransition } from '../../src/tasks/state-machine.js'
import { actionFor, initialStatus, newsletterOnly, systemsFor } from '../../src/tasks/plan.js'

t.test('approval is the only way out of awaiting_approval to running', async (t) => {
  t.same(taskTransition('awaiting_approval', 'running', { by: 'approval' }), { ok: true })
  t.same(taskTransition('awaiting_approval', 'running', { by: 'hand' }), { ok: false, code: 'approval_required' })
  t.same(taskTransition('pending', 'running', { by: 'approval' }), { ok: false, code: 'task_transition' })
})

t.test('waiving needs a reason; final states stay final', async (t) => {
  t.same(taskTransition('failed', 'waived', { by: 'hand' }), { ok: false, code: 'reason_required' })
  t.same(taskTransition('failed', 'waived', { by: 'hand', reason: '  ' }), { ok: false, code: 'reason_required' })
  t.same(taskTransition('failed', 'waived', { by: 'hand', reason: 'Leverantören har upphört' }), { ok: true })
  for (const s of ['completed', 'not_found', 'waived', 'cancelled']) t.same(taskTransition(s, 'running', { by: 'system' }), { ok: false, code: 'task_final' }, s)
  t.same(taskTransition('running', 'pending', { by: 'system' }), { ok: false, code: 'task_transition' })
  t.same(taskTransition('nonsense', 'running', { by: 'system' }), { ok: false, code: 'task_transition' })
})

t.test('every open status can be cancelled and blocks completion', async (t) => {
  t.same([...BLOCKING_STATUSES].sort(), ['awaiting_approval', 'failed', 'pending', 'running'])
  for (const s of TASK_STATUSES) {
    t.equal(taskTransition(s, 'cancelled', { by: 'system' }).ok, isBlocking(s), s)
  }
})

t.test('actions follow the request type', async (t) => {
  const c = (type: string, consent_kind: string | null = null) => ({ type, relationship: null, consent_kind })
  t.equal(actionFor(c('access')), 'access')
  t.equal(actionFor(c('portability')), 'access')
  t.equal(actionFor(c('erasure')), 'erasure')
  t.equal(actionFor(c('withdraw_consent', 'recruitment')), 'erasure')
  t.equal(actionFor(c('rectification')), 'rectification')
  t.equal(actionFor(c('restriction')), 'restriction')
  t.equal(actionFor(c('question')), null)
  t.ok(newsletterOnly(c('unsubscribe')))
  t.ok(newsletterOnly(c('objection')))
  t.notOk(newsletterOnly(c('erasure')))
})

t.test('systems from the relationship: purposes that apply, every register, all for unknown/other', async (t) => {
  const systems = [
    { key: 'newsletter', kind: 'register', purposes: ['newsletter'] },
    { key: 'candidates', kind: 'register', purposes: ['recruitment'] },
    { key: 'crm', kind: 'sql', purposes: ['customers'] },
    { key: 'events', kind: 'manual', purposes: ['events'] },
  ]
  const purposes = [
    { id: 'newsletter', relationships: ['newsletter'] },
    { id: 'recruitment', relationships: ['candidate'] },
    { id: 'customers', relationships: ['customer_contact'] },
    { id: 'events', relationships: ['event_participant'] },
  ]
  const keys = (relationship: string | null, type = 'access') => systemsFor({ type, relationship, consent_kind: null }, systems, purposes).map((s) => s.key)
  t.same(keys('customer_contact'), ['newsletter', 'candidates', 'crm'])
  t.same(keys(null), ['newsletter', 'candidates', 'crm', 'events'])
  t.same(keys('other'), ['newsletter', 'candidates', 'crm', 'events'])
  t.same(keys('customer_contact', 'unsubscribe'), ['newsletter'])
  t.same(keys('customer_contact', 'question'), [])
  t.equal(initialStatus('sql', 'access'), 'running')
  t.equal(initialStatus('webhook', 'erasure'), 'awaiting_approval')
  t.equal(initialStatus('manual', 'erasure'), 'pending')
  t.equal(initialStatus('register', 'access'), 'pending')
})
