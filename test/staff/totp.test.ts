import t from 'tap'
import { SecretBox } from '../../src/staff/secret-box.js'
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, timeStep, totp } from '../../src/staff/totp.js'

// RFC 6238, appendix B: the seeds are the ASCII strings below; the table gives 8-digit codes.
const SEEDS = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
}
const VECTORS: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
]

t.test('the generator reproduces the RFC 6238 test vectors', async (t) => {
  for (const [seconds, sha1, sha256, sha512] of VECTORS) {
    const at = new Date(seconds * 1000)
    t.equal(totp(SEEDS.sha1, at, { digits: 8 }), sha1, `SHA-1 at ${seconds}`)
    t.equal(totp(SEEDS.sha256, at, { digits: 8, algorithm: 'sha256' }), sha256, `SHA-256 at ${seconds}`)
    t.equal(totp(SEEDS.sha512, at, { digits: 8, algorithm: 'sha512' }), sha512, `SHA-512 at ${seconds}`)
  }
  // The 6-digit codes apps show are the last six digits of the same number.
  t.equal(totp(SEEDS.sha1, new Date(59_000)), '287082')
})

t.test('RFC 4226 HOTP vectors', async (t) => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
  expected.forEach((code, counter) => t.equal(hotp(SEEDS.sha1, counter), code, `counter ${counter}`))
})

t.test('base32 follows RFC 4648 and reads what people type', async (t) => {
  const cases: Array<[string, string]> = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']]
  for (const [plain, encoded] of cases) {
    t.equal(base32Encode(Buffer.from(plain)), encoded)
    t.equal(base32Decode(encoded).toString(), plain)
  }
  t.equal(base32Decode('mzxw 6ytb oi==').toString(), 'foobar')
  t.throws(() => base32Decode('MZ1'))
  t.equal(base32Encode(SEEDS.sha1), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
})

t.test('codes are accepted one step either side, once each', async (t) => {
  const secret = base32Encode(SEEDS.sha1)
  const at = new Date('2026-11-25T10:00:10Z')
  const step = timeStep(at)
  const codeAt = (s: number) => hotp(SEEDS.sha1, s)
  t.equal(matchTotp(secret, codeAt(step), at, null), step)
  t.equal(matchTotp(secret, codeAt(step - 1), at, null), step - 1, 'previous step')
  t.equal(matchTotp(secret, codeAt(step + 1), at, null), step + 1, 'next step')
  t.equal(matchTotp(secret, codeAt(step - 2), at, null), null, 'two steps old')
  t.equal(matchTotp(secret, codeAt(step + 2), at, null), null, 'two steps ahead')
  t.equal(matchTotp(secret, codeAt(step), at, step), null, 'the same step again is a replay')
  t.equal(matchTotp(secret, codeAt(step - 1), at, step), null, 'an older step after a newer one')
  t.equal(matchTotp(secret, codeAt(step + 1), at, step), step + 1, 'a later step after an earlier one')
  t.equal(matchTotp(secret, `${codeAt(step).slice(0, 3)} ${codeAt(step).slice(3)}`, at, null), step, 'spaces are ignored')
  t.equal(matchTotp(secret, '12345', at, null), null)
  t.equal(matchTotp(secret, 'abcdef', at, null), null)
})

t.test('otpauth URI for the QR code', async (t) => {
  const uri = new URL(otpauthUri('GEZDGNBV', 'anna@xtractor.se', 'Xtractor DSR'))
  t.equal(uri.protocol, 'otpauth:')
  t.equal(uri.host, 'totp')
  t.equal(decodeURIComponent(uri.pathname), '/Xtractor DSR:anna@xtractor.se')
  t.equal(uri.searchParams.get('secret'), 'GEZDGNBV')
  t.equal(uri.searchParams.get('issuer'), 'Xtractor DSR')
  t.equal(uri.searchParams.get('digits'), '6')
  t.equal(uri.searchParams.get('period'), '30')
})

t.test('the secret box seals with AES-256-GCM bound to the row', async (t) => {
  const box = new SecretBox('x'.repeat(40), 'staff-totp-secret')
  const sealed = box.seal('GEZDGNBVGY3TQOJQ', 'staff:1')
  t.notMatch(sealed, /GEZDGNBV/)
  t.not(box.seal('GEZDGNBVGY3TQOJQ', 'staff:1'), sealed, 'a new IV each time')
  t.equal(box.open(sealed, 'staff:1'), 'GEZDGNBVGY3TQOJQ')
  t.equal(box.open(sealed, 'staff:2'), null, 'another row cannot use it')
  t.equal(new SecretBox('y'.repeat(40), 'staff-totp-secret').open(sealed, 'staff:1'), null, 'another key cannot open it')
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA')
  t.equal(box.open(tampered, 'staff:1'), null, 'tampering is detected')
})
