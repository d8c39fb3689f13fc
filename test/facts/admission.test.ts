/**
 * Adversarial classes 11, 12 and 13 (../shared/reference/adversarial-cases.md) end to end: the
 * real HTTPS webhook, the real test registry (docker-registry over TLS), the facts stage over the
 * Pinner's own resolver, and a Rego policy compiled by imagegate and run by the opa-wasm SDK that
 * denies the digests in `data.denied_digests` and names every digest it judged in a warning.
 */
import t, { type Test } from 'tap';
import type { Dispatcher } from 'undici';
import { createRegistryPinner } from '../../src/registry/index.js';
import { createFactGatherer, type FactSource } from '../../src/facts/internal.js';
import { createBundleDecider } from '../../src/policy/internal.js';
import { compileEntrypoints } from '../../src/rego/index.js';
import { ImagegateError } from '../../src/errors/index.js';
import { buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { decodePatch, reviewResponse, startTestServer, type TestServer } from '../fixtures/server.js';
import { podCase, review } from '../fixtures/reviews.js';
import { manualClock, registriesConfig } from '../registry/helpers.js';

const reg = await startRegistry();
t.teardown(() => reg.close());

const good = buildImage({ content: 'judged good' });
const bad = buildImage({ content: 'judged bad' });
const GOOD = good.manifest.digest;
const BAD = bad.manifest.digest;
const TAG_TTL = 30_000;

const policy = `package imagegate

import rego.v1

decision := {"violations": violations, "warnings": warnings}

violations contains v if {
	some img in input.images
	img.digest in data.denied_digests
	v := {"container": img.container, "image": img.image, "rule": "denied-digest", "message": sprintf("%s is denied", [img.digest]), "fix": "deploy another build"}
}

violations contains v if {
	some img in input.images
	not img.digest
	v := {"container": img.container, "image": img.image, "rule": "digest-required", "message": sprintf("no digest (%s)", [img.digestError.code]), "fix": ""}
}

violations contains v if {
	some img in input.images
	err := img.facts.signatures.error
	v := {"container": img.container, "image": img.image, "rule": "signatures", "message": sprintf("signature lookup failed (%s): %s", [err.code, err.message]), "fix": ""}
}

violations contains v if {
	some img in input.images
	img.facts.signatures.signed == false
	v := {"container": img.container, "image": img.image, "rule": "signatures", "message": "unsigned", "fix": ""}
}

warnings contains sprintf("judged %s from %s", [img.digest, object.get(img, "resolvedFrom", "(written)")]) if {
	some img in input.images
	img.digest
}
`;

const wasm = compileEntrypoints({
  sources: [{ file: 'digests.rego', text: policy }],
  entrypoints: ['imagegate/decision'],
});
const decider = await createBundleDecider({
  bundle: {
    manifest: { revision: 'e2e', roots: [''], wasm: [{ entrypoint: 'imagegate/decision', module: '/policy.wasm' }] },
    wasm,
    data: { denied_digests: [BAD] },
    files: new Map(),
  },
  entrypoint: 'imagegate/decision',
  source: 'digests.rego',
  evaluators: 1,
});
t.teardown(() => decider.close());

/** A signature source of the test's own: signed unless the repository says otherwise; fails for `team/dark`. */
const signatures: FactSource = {
  name: 'signatures',
  revision: 'keys-1',
  ttlMs: 60_000,
  lookup: async ({ repository }) => {
    if (repository.endsWith('/team/dark'))
      throw new ImagegateError('IMAGEGATE_REGISTRY_UNAVAILABLE', 'sigstore is down');
    return { value: { signed: !repository.endsWith('/team/unsigned') } };
  },
};

interface Webhook {
  readonly server: TestServer;
  readonly clock: { now(): number; advance(ms: number): void };
  /** Requests the webhook made to the registry, as `METHOD /path`. */
  readonly paths: string[];
}

async function webhook(t: Test): Promise<Webhook> {
  const clock = manualClock();
  const paths: string[] = [];
  const dispatcher: Dispatcher = reg.agent.compose((dispatch) => (o, handler) => {
    paths.push(`${o.method} ${o.path}`);
    return dispatch(o, handler);
  });
  const pinner = createRegistryPinner({
    registries: registriesConfig({
      hosts: [{ host: reg.host, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } }],
      cacheTtlMs: TAG_TTL,
    }),
    dispatcher,
    clock,
  });
  const gatherer = createFactGatherer({ registry: pinner, sources: [signatures] });
  const server = await startTestServer({ decider, pinner, gatherer });
  t.teardown(async () => {
    await server.close();
    await pinner.close();
  });
  return { server, clock, paths };
}

const pod = (image: string) => podCase.wrap({ containers: [{ name: 'app', image }] });

interface Answer {
  readonly allowed: boolean;
  readonly message: string;
  readonly warnings: readonly string[];
}

async function validate(w: Webhook, image: string): Promise<Answer> {
  const res = await w.server.post('/validate', review(podCase, { object: pod(image) }));
  const r = reviewResponse(res.json);
  const status = r.status;
  const message = typeof status === 'object' && status !== null && 'message' in status ? String(status.message) : '';
  const warnings = Array.isArray(r.warnings) ? r.warnings.map(String) : [];
  return { allowed: r.allowed === true, message, warnings };
}

/** /mutate's answer for one image: the image as the patched object has it. */
async function mutate(w: Webhook, image: string): Promise<string> {
  const res = await w.server.post('/mutate', review(podCase, { object: pod(image) }));
  const ops = decodePatch(reviewResponse(res.json));
  const replaced = ops.find((op) => op.path === '/spec/containers/0/image');
  return replaced?.value ?? image;
}

/** One admission as the API server runs it: the mutating webhook, then validation of the mutated object. */
async function admit(w: Webhook, image: string): Promise<{ readonly pinned: string; readonly answer: Answer }> {
  const pinned = await mutate(w, image);
  return { pinned, answer: await validate(w, pinned) };
}

const manifestRequests = (w: Webhook, repo: string) => w.paths.filter((p) => p.includes(`/v2/${repo}/manifests/`));

t.test('11: tag and digest together: the tag is never resolved, the written digest is judged', async (t) => {
  const w = await webhook(t);
  await reg.push('team/both', 'v1', good);
  await reg.push('team/both', 'v2', bad);
  // v1 points to an allowed digest now; the image names the denied one.
  const deniedDigest = await validate(w, `${reg.host}/team/both:v1@${BAD}`);
  t.notOk(deniedDigest.allowed, 'denied on the written digest, not on what v1 points to');
  t.match(deniedDigest.message, `${BAD} is denied`);
  // v2 points to the denied digest now; the image names the allowed one.
  const allowedDigest = await validate(w, `${reg.host}/team/both:v2@${GOOD}`);
  t.ok(allowedDigest.allowed);
  t.same(allowedDigest.warnings, [`judged ${GOOD} from (written)`], 'the policy input digest is the written one');
  t.equal(await mutate(w, `${reg.host}/team/both:v2@${GOOD}`), `${reg.host}/team/both:v2@${GOOD}`, 'no re-pin');
  t.same(manifestRequests(w, 'team/both'), [], 'the registry saw no request for either tag');
});

t.test('12: a tag moved between /mutate and /validate: the digest judged is the digest pinned', async (t) => {
  const w = await webhook(t);
  const image = `${reg.host}/team/toctou:1`;
  await reg.push('team/toctou', '1', good);
  const pinned = await mutate(w, image);
  t.equal(pinned, `${image}@${GOOD}`, '/mutate pins the digest the tag pointed to');

  await reg.push('team/toctou', '1', bad);
  const before = w.paths.length;
  const ofMutated = await validate(w, pinned);
  t.ok(ofMutated.allowed, 'the mutated object is judged on its pinned digest');
  t.same(ofMutated.warnings, [`judged ${GOOD} from (written)`]);
  w.clock.advance(TAG_TTL - 1);
  const ofTag = await validate(w, image);
  t.ok(ofTag.allowed);
  t.same(ofTag.warnings, [`judged ${GOOD} from 1`], 'within cacheTtlMs the tag is judged as /mutate pinned it');
  t.same(w.paths.slice(before), [], 'neither review asked the registry: the moved tag (and its digest) was never seen');
});

t.test('13: a tag repointed between two admissions never admits an unjudged digest', async (t) => {
  const w = await webhook(t);
  const image = `${reg.host}/team/app:1`;
  await reg.push('team/app', '1', good);
  const first = await admit(w, image);
  t.equal(first.pinned, `${image}@${GOOD}`);
  t.ok(first.answer.allowed, 'first admission: the allowed digest');
  t.same(first.answer.warnings, [`judged ${GOOD} from (written)`]);

  await reg.push('team/app', '1', bad);
  w.clock.advance(TAG_TTL - 1);
  const second = await admit(w, image);
  t.equal(second.pinned, `${image}@${GOOD}`, 'within the TTL: pinned to the older digest, which was judged');
  t.ok(second.answer.allowed);
  t.same(second.answer.warnings, [`judged ${GOOD} from (written)`]);
  const unpinned = await validate(w, image);
  t.same(unpinned.warnings, [`judged ${GOOD} from 1`], 'a review of the bare tag judges that same digest');

  w.clock.advance(2);
  const third = await admit(w, image);
  t.equal(third.pinned, `${image}@${BAD}`, 'after the TTL the tag is resolved again');
  t.notOk(third.answer.allowed, 'and the new digest is judged and denied');
  t.match(third.answer.message, `${BAD} is denied`);
  const bare = await validate(w, image);
  t.notOk(bare.allowed, 'the bare tag now resolves to the denied digest as well');
  t.match(bare.message, `${BAD} is denied`);
});

t.test('a fact source that fails gives the policy {error}, and the policy decides on it', async (t) => {
  const w = await webhook(t);
  await reg.push('team/dark', '1', good);
  await reg.push('team/unsigned', '1', good);
  await reg.push('team/signed', '1', good);
  const failed = await validate(w, `${reg.host}/team/dark:1`);
  t.notOk(failed.allowed);
  t.match(failed.message, 'signature lookup failed (IMAGEGATE_REGISTRY_UNAVAILABLE): sigstore is down');
  const unsigned = await validate(w, `${reg.host}/team/unsigned:1`);
  t.notOk(unsigned.allowed);
  t.match(
    unsigned.message,
    new RegExp(`judged ${reg.host.replace(/\./g, '\\.')}/team/unsigned@sha256:[0-9a-f]{64}: signatures: unsigned`),
  );
  t.ok((await validate(w, `${reg.host}/team/signed:1`)).allowed, 'the same digest, signed in its repository');
});

t.test('an image that cannot be resolved reaches the policy with digestError, and no registry is asked', async (t) => {
  const w = await webhook(t);
  const untrusted = await validate(w, 'evil.example.com/team/app:1');
  t.notOk(untrusted.allowed);
  t.match(untrusted.message, 'no digest (IMAGEGATE_REGISTRY_UNTRUSTED)');
  t.match(untrusted.message, 'signature lookup failed (IMAGEGATE_REGISTRY_UNTRUSTED): not looked up');
  t.same(w.paths, []);
});
