/**
 * Keyless signatures through the real serve wiring (`startServing` with a config FILE, as
 * `imagegate serve --config` runs): serve-parts loads the trust material from
 * `signatures.trustedRootFile` (loadSigstoreTrust), builds the signatures source with the real
 * Sigstore verifier and turns the shipped `signatures` rule on; a real registry holds the images
 * and what cosign stores for them.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Agent, request } from 'undici';
import { stringify as yaml } from 'yaml';
import { startServing } from '../../src/cli/internal.js';
import { buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { memoryLog } from '../fixtures/server.js';
import { admissionOf, podReview } from '../fixtures/signatures/webhook.js';
import { createTestPki, issueLeaf } from '../fixtures/signatures/sigstore-pki.js';
import {
  IN_TOTO,
  inTotoStatement,
  keylessLayer,
  makeBundle,
  simpleSigningPayload,
} from '../fixtures/signatures/sigstore-signer.js';
import {
  bundleReferrer,
  cosignSignatureImage,
  cosignTag,
  referrersFallbackIndex,
} from '../fixtures/signatures/sigstore-oci.js';

const reg = await startRegistry();
t.teardown(() => reg.close());
const H = reg.host;
const dir = await mkdtemp(join(tmpdir(), 'imagegate-keyless-serve-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const GITHUB = 'https://token.actions.githubusercontent.com';
const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0';
const BUILD = 'https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main';
const pki = await createTestPki();
const release = await issueLeaf(pki, {
  issuer: GITHUB,
  subject: RELEASE,
  claims: { githubWorkflowRef: 'refs/tags/v1.2.0' },
});
const build = await issueLeaf(pki, {
  issuer: GITHUB,
  subject: BUILD,
  claims: { githubWorkflowRef: 'refs/heads/main' },
});
const rootFile = join(dir, 'trusted_root.json');
await writeFile(rootFile, pki.trustedRootJson);

const configFile = join(dir, 'imagegate.yaml');
await writeFile(
  configFile,
  yaml({
    server: { host: '127.0.0.1', port: 0, drainMs: 0, tls: { generatedDir: join(dir, 'tls') } },
    reload: { intervalMs: 0 },
    registries: {
      hosts: [{ host: H, caFile: reg.caFile, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } }],
    },
    signatures: {
      trustedRootFile: rootFile,
      cacheTtlMs: 0,
      policies: [
        {
          repositories: [`${H}/acme`],
          authorities: [
            {
              name: 'release',
              keyless: {
                issuer: GITHUB,
                subjectRegExp: 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.+',
                claims: { githubWorkflowRef: 'refs/tags/v1.2.0' },
              },
            },
          ],
        },
      ],
    },
    policy: { evaluators: 1, data: { imagegate: { config: { trusted_registries: [H] } } } },
  }),
);

const { logger } = memoryLog();
const serving = await startServing({ configFile, logger });
t.teardown(() => serving.shutdown({ now: true }));
const agent = new Agent({
  connect: { ca: await readFile(join(dir, 'tls', 'ca.crt'), 'utf8'), servername: 'localhost' },
});
t.teardown(() => agent.close());

async function validate(image: string): Promise<{ allowed: boolean; message: string }> {
  const res = await request(`https://127.0.0.1:${serving.running.port}/validate`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(podReview(image)),
  });
  return admissionOf(await res.body.json());
}

t.test('serve with trustedRootFile: the release workflow admitted, another workflow denied by name', async (t) => {
  const signed = buildImage({ content: 'acme app signed by release' });
  const d = signed.manifest.digest;
  await reg.push('acme/app', 'v1', signed);
  const layer = keylessLayer(pki, { leaf: release, payload: simpleSigningPayload(d, `${H}/acme/app`) });
  await reg.push('acme/app', cosignTag(d, '.sig'), cosignSignatureImage([layer]));
  t.same(await validate(`${H}/acme/app:v1`), { allowed: true, message: '' }, 'cosign keyless .sig layer');

  const bundled = buildImage({ content: 'acme app signed by cosign 3' });
  await reg.push('acme/app', 'v3', bundled);
  const bundle = makeBundle(pki, {
    version: '0.3',
    content: {
      kind: 'dsse',
      payloadType: IN_TOTO,
      payload: inTotoStatement(bundled.manifest.digest, 'https://sigstore.dev/cosign/sign/v1', {}),
    },
    signer: { kind: 'keyless', leaf: release },
  });
  const referrer = bundleReferrer(bundle, bundled.manifest);
  await reg.push('acme/app', referrer.manifest.digest, referrer);
  await reg.push('acme/app', cosignTag(bundled.manifest.digest, ''), referrersFallbackIndex([referrer]));
  t.same(
    await validate(`${H}/acme/app:v3`),
    { allowed: true, message: '' },
    'cosign 3 bundle via the referrers fallback',
  );

  const other = buildImage({ content: 'acme app signed by build' });
  const o = other.manifest.digest;
  await reg.push('acme/app', 'v2', other);
  const wrong = keylessLayer(pki, { leaf: build, payload: simpleSigningPayload(o, `${H}/acme/app`) });
  await reg.push('acme/app', cosignTag(o, '.sig'), cosignSignatureImage([wrong]));
  const denied = await validate(`${H}/acme/app:v2`);
  t.equal(denied.allowed, false);
  t.match(
    denied.message,
    `- spec.containers[0] (container "app"): image "${H}/acme/app:v2" judged ${H}/acme/app@${o}: signatures: ${H}/acme/app@${o}`,
  );
  t.match(denied.message, `is not signed as required for ${H}/acme: needs 1 distinct trusted signer of ${o}, has none`);
  t.match(
    denied.message,
    `${cosignTag(o, '.sig')} layer 0: signed, but by ${GITHUB} ${BUILD}, not by the required ${GITHUB} matching ^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.+$ with githubWorkflowRef=refs/tags/v1.2.0 (the subject differs)`,
  );
});
