import t from 'tap'
import { lookup } from '../../src/i18n/index.js'
import { chooseAssignee, escalationReason, evaluateRules, findEscalationCycle, matchRule, parseConditions, ruleProblems, shadowedRules, type Rule } from '../../src/routing/rules.js'

const rule = (id: number, conditions: Rule['conditions'], extra: Partial<Rule> = {}): Rule => ({ id, name: `r${id}`, enabled: true, conditions, action: 'team', teamId: 1, assigneeId: null, ...extra })
const req = (a: Partial<{ type: string; relationship: string | null; consent: string | null; channel: string; details: string | null }> = {}) => ({ type: 'access', relationship: null, consent: null, channel: 'web', details: null, ...a })

t.test('rules are evaluated in order; the first enabled match wins', async (t) => {
  const rules = [rule(1, { relationships: ['candidate'] }), rule(2, { types: ['unsubscribe', 'objection'] }), rule(3, { relationships: ['newsletter'] }), rule(4, {}, { enabled: false })]
  t.equal(evaluateRules(rules, req({ relationship: 'candidate', type: 'objection' }))?.rule.id, 1, 'earlier rule wins over a later match')
  t.equal(evaluateRules(rules, req({ type: 'objection' }))?.rule.id, 2)
  t.equal(evaluateRules(rules, req({ relationship: 'newsletter' }))?.rule.id, 3)
  t.equal(evaluateRules(rules, req({ relationship: 'supplier' })), null, 'nothing matches: the default team')
  t.equal(evaluateRules([rule(9, {}, { enabled: false })], req()), null, 'disabled rules are skipped')
})

t.test('conditions: AND across fields, OR within a field, words as case-insensitive substrings', async (t) => {
  const r = rule(1, { types: ['access', 'erasure'], channels: ['email'], words: ['Kampanj', 'faktura'] })
  t.same(matchRule(r, req({ type: 'erasure', channel: 'email', details: 'Om en KAMPANJ i våras' })), { sv: 'typ = erasure, kanal = email, ord i beskrivningen = ”Kampanj”', en: 'type = erasure, channel = email, words in the details = ”Kampanj”' })
  t.equal(matchRule(r, req({ type: 'erasure', channel: 'web', details: 'kampanj' })), null, 'channel differs')
  t.equal(matchRule(r, req({ type: 'erasure', channel: 'email', details: null })), null, 'no details, no word match')
  t.equal(matchRule(rule(2, { consents: ['recruitment'] }), req({ type: 'withdraw_consent', consent: 'recruitment' }))?.en, 'consent = recruitment')
  t.equal(matchRule(rule(2, { relationships: ['candidate'] }), req({ relationship: null })), null, 'an unknown relationship matches no relationship condition')
  t.match(matchRule(rule(3, {}), req()), { en: /every case/ })
})

t.test('round-robin and fewest open cases', async (t) => {
  const members = [
    { id: 5, active: true, openCases: 3 },
    { id: 2, active: true, openCases: 1 },
    { id: 9, active: false, openCases: 0 },
    { id: 7, active: true, openCases: 1 },
  ]
  t.equal(chooseAssignee('round_robin', members, null), 2, 'starts with the lowest id')
  t.equal(chooseAssignee('round_robin', members, 2), 5)
  t.equal(chooseAssignee('round_robin', members, 5), 7)
  t.equal(chooseAssignee('round_robin', members, 7), 2, 'wraps around, skipping the inactive member')
  t.equal(chooseAssignee('round_robin', members, 100), 2)
  t.equal(chooseAssignee('fewest_open', members, null), 2, 'fewest open; the lower id on a tie; inactive never chosen')
  t.equal(chooseAssignee('fewest_open', [{ id: 1, active: false, openCases: 0 }], null), null, 'no active member: nobody')
  t.equal(chooseAssignee('round_robin', [], null), null)
})

t.test('validation: unknown values and rules that could never match are refused with messages in both languages', async (t) => {
  const ok = { name: 'x', conditions: { types: ['access'] }, action: 'team', teamId: 1, assigneeId: null }
  t.same(ruleProblems(ok), [])
  const cases: Array<[object, string, RegExp]> = [
    [{ name: ' ' }, 'name', /name/],
    [{ conditions: { types: [] } }, 'types', /never match/],
    [{ conditions: { words: ['  '] } }, 'words', /never match/],
    [{ conditions: { types: ['access'], consents: ['newsletter'] } }, 'consents', /never match/],
    [{ conditions: { relationships: ['martian'] } }, 'relationships', /Unknown relationship: martian/],
    [{ conditions: { words: ['x'.repeat(101)] } }, 'words', /at most/],
    [{ conditions: { types: 'access' } }, 'types', /must be a list/],
    [{ action: 'teleport' }, 'action', /Choose an action/],
    [{ action: 'assign', assigneeId: null }, 'assignee', /Choose who/],
    [{ action: 'round_robin', teamId: null }, 'team', /Choose the team/],
  ]
  for (const [patch, field, message] of cases) {
    const problems = ruleProblems({ ...ok, ...patch } as never)
    t.equal(problems[0]?.field, field, JSON.stringify(patch))
    const [en, sv] = (['en', 'sv'] as const).map((lang) => lookup(lang, `routing.errors.${problems[0]?.message}`, problems[0]?.params))
    t.match(en, message)
    t.ok(sv && !sv.startsWith('routing.') && sv !== en, 'a Swedish message too')
  }
  t.same(ruleProblems({ ...ok, conditions: { types: ['withdraw_consent'], consents: ['newsletter'] } }), [], 'consent with withdraw_consent is fine')
})

t.test('advice: shadowed rules, escalation cycles, parsing', async (t) => {
  const catchAll = rule(2, {})
  t.same(shadowedRules([rule(1, { types: ['access'] }), catchAll, rule(3, { types: ['erasure'] }), rule(4, {}, { enabled: false })]).map((x) => [x.rule.id, x.by.id]), [[3, 2]])
  t.equal(findEscalationCycle([{ id: 1, escalatesTo: 2 }, { id: 2, escalatesTo: null }]), null)
  t.same(findEscalationCycle([{ id: 1, escalatesTo: 2 }, { id: 2, escalatesTo: 3 }, { id: 3, escalatesTo: 1 }]), [1, 2, 3])
  t.same(findEscalationCycle([{ id: 4, escalatesTo: 4 }]), [4], 'a team escalating to itself')
  t.same(parseConditions({ types: ['access'], words: 'kampanj', bogus: [1], channels: null }), { types: ['access'], words: ['kampanj'] })
  t.same(parseConditions([1, 2]), {})
})

t.test('escalation reasons', async (t) => {
  const now = new Date('2026-11-27T10:00:00Z')
  const base = { status: 'new', assignee_id: null, due_date: '2026-12-28', verified_at: '2026-11-25T09:00:00Z', created_at: '2026-11-25T09:00:00Z', escalated_at: null, closed_at: null }
  const o = { now, today: '2026-11-27', unassignedHours: 48, running: true }
  t.equal(escalationReason(base, o), 'unassigned', '49 hours unassigned')
  t.equal(escalationReason({ ...base, verified_at: '2026-11-25T11:00:00Z' }, o), null, '47 hours: not yet')
  t.equal(escalationReason({ ...base, assignee_id: 3 }, o), null, 'assigned and on time')
  t.equal(escalationReason({ ...base, assignee_id: 3, due_date: '2026-11-26' }, o), 'overdue')
  t.equal(escalationReason({ ...base, assignee_id: 3, due_date: '2026-11-26' }, { ...o, running: false }), null, 'paused cases are not overdue')
  t.equal(escalationReason({ ...base, escalated_at: '2026-11-26T00:00:00Z' }, o), null, 'once per case')
  t.equal(escalationReason(base, { ...o, unassignedHours: 0 }), null, '0 hours turns the unassigned rule off')
  t.equal(escalationReason({ ...base, closed_at: 'x' }, o), null)
})

t.test('ESCALATE_UNASSIGNED_HOURS is validated', async (t) => {
  const { loadConfig, ConfigError } = await import('../../src/config.js')
  t.equal(loadConfig({ NODE_ENV: 'test' }).escalateUnassignedHours, 48)
  t.equal(loadConfig({ NODE_ENV: 'test', ESCALATE_UNASSIGNED_HOURS: '0' }).escalateUnassignedHours, 0)
  t.throws(() => loadConfig({ NODE_ENV: 'test', ESCALATE_UNASSIGNED_HOURS: 'soon' }), ConfigError)
  t.throws(() => loadConfig({ NODE_ENV: 'test', ESCALATE_UNASSIGNED_HOURS: '99999' }), /ESCALATE_UNASSIGNED_HOURS/)
})
