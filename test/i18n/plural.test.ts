import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { lookup, pluralForm, t as text, type Plural } from '../../src/i18n/index.js'
import { sv } from '../../src/i18n/sv.js'

/** Every plural text of a catalogue, by its dotted key. */
function plurals(node: unknown, path: string, out: Map<string, Plural>): Map<string, Plural> {
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>
    if (typeof o.one === 'string' && typeof o.other === 'string') out.set(path, o as unknown as Plural)
    else for (const [k, v] of Object.entries(o)) plurals(v, path ? `${path}.${k}` : k, out)
  }
  return out
}

t.test('issue 18: a count picks its form by the language’s plural rules, never "1 open cases"', async (t) => {
  t.equal(text('en', 'routing.teams.open', { count: 1 }), '1 open case')
  t.equal(text('en', 'routing.teams.open', { count: 0 }), '0 open cases')
  t.equal(text('en', 'routing.teams.open', { count: 2 }), '2 open cases')
  t.equal(text('sv', 'routing.teams.open', { count: 1 }), '1 öppet ärende')
  t.equal(text('sv', 'routing.teams.open', { count: 21 }), '21 öppna ärenden', 'Swedish 21 is plural (unlike some languages)')
  t.equal(lookup('en', 'routing.teams.open', { count: '1' }), '1 open case', 'a template’s number as a string')
  t.equal(lookup('en', 'routing.teams.open'), '{count} open cases', 'without a count: the general form')
  t.equal(pluralForm('en', { one: 'a', other: 'b' }, 'x'), 'b')
  t.equal(text('en', 'email.reminderSubject', { count: 1 }), 'Reminder: 1 case with a close deadline')

  const svPlurals = plurals(sv, '', new Map())
  const enPlurals = plurals(en, '', new Map())
  t.ok(svPlurals.size >= 8, 'the counts on staff pages and in reminders are plural texts')
  t.same([...enPlurals.keys()], [...svPlurals.keys()], 'the same plural texts in both languages')
  for (const [key, p] of [...svPlurals, ...enPlurals]) t.match(p.other, /\{count\}/, `${key}: the general form says the number`)
})
