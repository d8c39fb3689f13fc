import t from 'tap';
import { identityRuleProblem, matchIdentity } from '../../../src/signatures/sigstore/identity.js';
import type { Signer } from '../../../src/signatures/sigstore/verify.js';

const GITHUB = 'https://token.actions.githubusercontent.com';
const BUILD = 'https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main';
const RELEASE = 'https://github.com/acme/ci/.github/workflows/release.yml@refs/heads/main';
const signer: Signer = {
  kind: 'identity',
  issuer: GITHUB,
  subject: BUILD,
  claims: { githubWorkflowRef: 'refs/heads/main', githubWorkflowRepository: 'acme/ci' },
};

t.test('exact issuer and subject', async (t) => {
  t.same(matchIdentity(signer, { issuer: GITHUB, subject: BUILD }), { ok: true });
  t.same(matchIdentity(signer, { issuer: GITHUB, subject: RELEASE }), {
    ok: false,
    reason: `signed, but by ${GITHUB} ${BUILD}, not by the required ${GITHUB} ${RELEASE} (the subject differs)`,
  });
  t.same(matchIdentity(signer, { issuer: 'https://gitlab.com', subject: BUILD }), {
    ok: false,
    reason: `signed, but by ${GITHUB} ${BUILD}, not by the required https://gitlab.com ${BUILD} (the issuer differs)`,
  });
});

t.test('regular expressions are anchored at both ends', async (t) => {
  t.same(matchIdentity(signer, { issuerRegExp: 'https://token\\.actions\\..*', subjectRegExp: '.*/build\\.yml@.*' }), {
    ok: true,
  });
  // Unanchored, each of these would match somewhere inside the value.
  for (const subjectRegExp of ['acme', 'https://github.com/acme/ci', '.*build\\.yml', 'refs/heads/main']) {
    t.match(
      matchIdentity(signer, { issuer: GITHUB, subjectRegExp }),
      { ok: false, reason: new RegExp(`not by the required ${GITHUB} matching \\^.*\\$ \\(the subject differs\\)`) },
      subjectRegExp,
    );
  }
  const evil: Signer = { ...signer, subject: `https://evil.test/?${BUILD}` };
  t.match(matchIdentity(evil, { issuer: GITHUB, subjectRegExp: 'https://github\\.com/acme/.*' }), { ok: false });
  t.match(matchIdentity({ ...signer, issuer: `${GITHUB}.evil.test` }, { issuerRegExp: GITHUB, subject: BUILD }), {
    ok: false,
    reason: /the issuer differs/,
  });
});

t.test('claims must be present with exactly the required value', async (t) => {
  t.same(matchIdentity(signer, { issuer: GITHUB, subject: BUILD, claims: { githubWorkflowRepository: 'acme/ci' } }), {
    ok: true,
  });
  t.match(matchIdentity(signer, { issuer: GITHUB, subject: BUILD, claims: { githubWorkflowRef: 'refs/tags/v1' } }), {
    ok: false,
    reason: /githubWorkflowRef must be refs\/tags\/v1; it has githubWorkflowRef=refs\/heads\/main\)$/,
  });
  t.match(matchIdentity(signer, { issuer: GITHUB, subject: BUILD, claims: { buildTrigger: 'push' } }), {
    ok: false,
    reason: /buildTrigger must be push; the certificate has no such claim\)$/,
  });
  t.match(matchIdentity(signer, { issuer: GITHUB, subject: BUILD, claims: { toString: 'x' } }), { ok: false });
});

t.test('a key signer never matches an identity rule', async (t) => {
  const key: Signer = { kind: 'key', authority: 'release', fingerprint: `sha256:${'0'.repeat(64)}` };
  t.match(matchIdentity(key, { issuer: GITHUB, subject: BUILD }), {
    ok: false,
    reason: /^signed, but with the key release \(sha256:0+\), not by the required/,
  });
});

t.test('invalid rules are reported and match nothing', async (t) => {
  t.equal(identityRuleProblem({ issuer: GITHUB, subject: BUILD }), undefined);
  t.equal(identityRuleProblem({ subject: BUILD }), 'expected exactly one of issuer and issuerRegExp, found neither');
  t.equal(
    identityRuleProblem({ issuer: GITHUB, subject: BUILD, subjectRegExp: '.*' }),
    'expected exactly one of subject and subjectRegExp, found both',
  );
  t.match(identityRuleProblem({ issuer: GITHUB, subjectRegExp: '(' }), /^subjectRegExp "\(" is not an RE2 pattern/);
  // Backreferences and lookarounds are not RE2: refused rather than run by a backtracking engine.
  t.match(identityRuleProblem({ issuer: GITHUB, subjectRegExp: '(a)\\1' }), /is not an RE2 pattern/);
  t.match(matchIdentity(signer, { issuer: GITHUB, subjectRegExp: '(?=x)' }), {
    ok: false,
    reason: /^the identity rule is invalid: subjectRegExp/,
  });
});

t.test('a pathological pattern runs in linear time on a long subject', async (t) => {
  const long: Signer = { ...signer, subject: `${'a'.repeat(100_000)}!` };
  const started = performance.now();
  t.match(matchIdentity(long, { issuer: GITHUB, subjectRegExp: '(a+)+$' }), { ok: false });
  t.match(matchIdentity(long, { issuer: GITHUB, subjectRegExp: '(a|aa)*b' }), { ok: false });
  // A backtracking engine takes longer than the age of the universe here; RE2 takes milliseconds.
  t.ok(performance.now() - started < 5000, 'both finish well within 5 s');
});
