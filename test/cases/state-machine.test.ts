import t from 'tap'
import {
  CASE_STATUSES,
  STATUS_LABELS,
  canTransition,
  isCaseStatus,
  isClosed,
  isOpen,
  isPausing,
  nextStatuses,
  requiresReason,
  transition,
} from '../../src/cases/state-machine.js'

// Written out by hand, independently of TRANSITIONS:
// ok = allowed; R = allowed with a reason; A = admin only, with a reason; F = only by forwarding
// to the controller (forward: true); - = forbidden.
const MATRIX: Record<string, Record<string, 'ok' | 'R' | 'A' | 'F' | '-'>> = {
  //                   new   in_progress  awaiting_requester  completed  rejected  withdrawn  forwarded  refused_excessive (Art. 12(5))
  new:                { new: '-', in_progress: 'ok', awaiting_requester: '-',  completed: '-',  rejected: 'R', withdrawn: 'ok', forwarded: 'F', refused_excessive: 'R' },
  in_progress:        { new: '-', in_progress: '-',  awaiting_requester: 'ok', completed: 'ok', rejected: 'R', withdrawn: 'ok', forwarded: 'F', refused_excessive: 'R' },
  awaiting_requester: { new: '-', in_progress: 'ok', awaiting_requester: '-',  completed: '-',  rejected: 'R', withdrawn: 'ok', forwarded: 'F', refused_excessive: 'R' },
  completed:          { new: '-', in_progress: 'A',  awaiting_requester: '-',  completed: '-',  rejected: '-', withdrawn: '-',  forwarded: '-', refused_excessive: '-' },
  rejected:           { new: '-', in_progress: 'A',  awaiting_requester: '-',  completed: '-',  rejected: '-', withdrawn: '-',  forwarded: '-', refused_excessive: '-' },
  withdrawn:          { new: '-', in_progress: '-',  awaiting_requester: '-',  completed: '-',  rejected: '-', withdrawn: '-',  forwarded: '-', refused_excessive: '-' },
  forwarded:          { new: '-', in_progress: 'A',  awaiting_requester: '-',  completed: '-',  rejected: '-', withdrawn: '-',  forwarded: '-', refused_excessive: '-' },
  refused_excessive:  { new: '-', in_progress: 'A',  awaiting_requester: '-',  completed: '-',  rejected: '-', withdrawn: '-',  forwarded: '-', refused_excessive: '-' },
}

t.test('the statuses', async (t) => {
  t.same([...CASE_STATUSES].sort(), Object.keys(MATRIX).sort())
  t.same(CASE_STATUSES.filter(isClosed), ['completed', 'rejected', 'withdrawn', 'forwarded', 'refused_excessive'])
  t.same(CASE_STATUSES.filter(isOpen), ['new', 'in_progress', 'awaiting_requester'])
  t.same(CASE_STATUSES.filter(isPausing), ['awaiting_requester'])
  t.notOk(isCaseStatus('closed'))
  t.notOk(isClosed('closed'))
  t.notOk(isPausing('paused'))
})

t.test('the full 8×8 matrix', async (t) => {
  for (const from of CASE_STATUSES) {
    for (const to of CASE_STATUSES) {
      const cell = MATRIX[from][to]
      const name = `${from} → ${to} (${cell})`
      const bare = transition(from, to)
      const withReason = transition(from, to, { reason: 'Skäl', role: 'handler' })
      const asAdmin = transition(from, to, { reason: 'Skäl', role: 'admin' })
      const adminNoReason = transition(from, to, { role: 'admin', reason: '   ' })
      switch (cell) {
        case 'ok':
          t.same([bare, withReason, asAdmin], [{ ok: true }, { ok: true }, { ok: true }], name)
          t.equal(canTransition(from, to), true, name)
          t.equal(requiresReason(from, to), false, name)
          break
        case 'R':
          t.match(bare, { ok: false, code: 'reason_required' }, name)
          t.match(adminNoReason, { ok: false, code: 'reason_required' }, `${name}: blank reason`)
          t.same([withReason, asAdmin], [{ ok: true }, { ok: true }], name)
          t.equal(canTransition(from, to), true, name)
          t.equal(requiresReason(from, to), true, name)
          break
        case 'A':
          t.match(bare, { ok: false, code: 'admin_required' }, name)
          t.match(withReason, { ok: false, code: 'admin_required' }, `${name}: handler`)
          t.match(adminNoReason, { ok: false, code: 'reason_required' }, `${name}: admin without reason`)
          t.same(asAdmin, { ok: true }, `${name}: admin with reason`)
          t.equal(canTransition(from, to), false, `${name}: no role`)
          t.equal(canTransition(from, to, { role: 'handler' }), false, `${name}: handler`)
          t.equal(canTransition(from, to, { role: 'admin' }), true, `${name}: admin`)
          break
        case 'F':
          for (const r of [bare, withReason, asAdmin]) t.match(r, { ok: false, code: 'use_forward', message: { sv: /vidare/, en: /controller/ } }, name)
          t.same(transition(from, to, { forward: true }), { ok: true }, `${name}: by forwarding`)
          t.equal(canTransition(from, to, { role: 'admin' }), false, `${name}: not as a plain change`)
          t.equal(canTransition(from, to, { forward: true }), true, `${name}: by forwarding`)
          t.equal(requiresReason(from, to), false, name)
          break
        case '-':
          for (const r of [bare, withReason, asAdmin, adminNoReason]) t.match(r, { ok: false, code: 'forbidden_transition' }, name)
          t.equal(canTransition(from, to, { role: 'admin' }), false, name)
          break
      }
      for (const r of [bare, withReason, asAdmin]) {
        if (r.ok) continue
        t.ok(r.message.sv.length > 10 && r.message.en.length > 10, `${name}: messages in both languages`)
        t.not(r.message.sv, r.message.en, `${name}: the Swedish message is not the English one`)
      }
      if (cell === '-' && from !== to && from !== 'withdrawn') {
        const r = bare as { message: { sv: string; en: string } }
        t.ok(r.message.sv.includes(STATUS_LABELS[from].sv) && r.message.sv.includes(STATUS_LABELS[to].sv), `${name}: sv names both statuses`)
        t.ok(r.message.en.includes(STATUS_LABELS[from].en) && r.message.en.includes(STATUS_LABELS[to].en), `${name}: en names both statuses`)
      }
    }
  }
})

t.test('nextStatuses lists the row of the matrix for the role', async (t) => {
  for (const from of CASE_STATUSES) {
    const row = MATRIX[from]
    t.same(nextStatuses(from, { role: 'handler' }).sort(), CASE_STATUSES.filter((to) => row[to] === 'ok' || row[to] === 'R').sort(), `${from}, handler`)
    t.same(nextStatuses(from, { role: 'admin' }).sort(), CASE_STATUSES.filter((to) => row[to] !== '-' && row[to] !== 'F').sort(), `${from}, admin`)
  }
  t.same(nextStatuses('bogus'), [])
})

t.test('unknown statuses', async (t) => {
  t.match(transition('open', 'in_progress'), { ok: false, code: 'unknown_status', message: { sv: /Okänd status ”open”/, en: /Unknown status ”open”/ } })
  t.match(transition('new', 'done'), { ok: false, code: 'unknown_status', message: { en: /”done”/ } })
  t.equal(canTransition('new', 'done'), false)
  t.equal(canTransition('Nytt', 'in_progress'), false)
})

t.test('the messages say why', async (t) => {
  const reject = transition('in_progress', 'rejected', { reason: '' })
  t.match(reject, { ok: false, code: 'reason_required', message: { sv: /IMY.*12\.4/s, en: /IMY.*12\(4\)/s } })
  t.match(transition('withdrawn', 'in_progress', { role: 'admin', reason: 'x' }), { message: { sv: /återkallat/, en: /withdrawn/ } })
  t.match(transition('in_progress', 'in_progress'), { message: { sv: /redan status ”Handläggs”/, en: /already has the status ”In progress”/ } })
  t.match(transition('awaiting_requester', 'completed'), { message: { sv: /pausen/, en: /pause/ } })
  t.match(transition('completed', 'rejected', { role: 'admin', reason: 'x' }), { message: { en: /administrator can reopen/ } })
  t.match(transition('new', 'completed'), { message: { en: /Allowed from ”New”: ”In progress”, ”Rejected”, ”Withdrawn”/ } })
  t.match(transition('completed', 'in_progress', { role: 'handler', reason: 'x' }), { message: { sv: /administratör/, en: /administrator/ } })
})

t.test('Art. 12(5): refusing a manifestly unfounded or excessive request needs the evidence in words, and says why it must be told', async (t) => {
  for (const from of ['new', 'in_progress', 'awaiting_requester']) {
    t.match(transition(from, 'refused_excessive', { reason: '  ' }), { ok: false, code: 'reason_required', message: { sv: /uppenbart ogrundad.*IMY.*12\.4/s, en: /manifestly unfounded.*IMY.*12\(4\)/s } }, from)
    t.same(transition(from, 'refused_excessive', { reason: 'Fifth identical request this month: DSR-2026-000001…4' }), { ok: true }, from)
  }
  t.same(STATUS_LABELS.refused_excessive, { sv: 'Avslagen: uppenbart ogrundad eller orimlig', en: 'Refused: manifestly unfounded or excessive' })
})
