/**
 * Adversarial class 10 (../shared/reference/adversarial-cases.md), trusted-registry confusion,
 * end to end: the config trusts `trusted.example.com` and the real test registry under the name
 * `localhost:PORT`, repositories `team` only. Every look-alike is denied by /validate and never
 * contacted by /mutate (nor by the facts stage): no request is created and no connection
 * attempted by the webhook's HTTP client, as undici's diagnostics channels report them. Only an
 * exact normalised-host match and a whole-segment path match are admitted, and those are pinned
 * at the registry for real.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { domainToASCII } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { podCase } from '../fixtures/reviews.js';
import { serveWebhook } from '../fixtures/serve-webhook.js';
import { isRecord } from '../../src/guards/index.js';

const reg = await startRegistry();
t.teardown(() => reg.close());
const dir = await mkdtemp(join(tmpdir(), 'imagegate-confusion-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const TRUSTED = `localhost:${reg.port}`;
const app = buildImage({ content: 'confusion app' });
await reg.push('team/app', '1', app);
await reg.push('team', '1', app);
const D = app.manifest.digest;

const { webhook, server } = await serveWebhook(t, {
  dir,
  config: {
    policy: { evaluators: 1 },
    registries: {
      hosts: [
        {
          host: TRUSTED,
          caFile: reg.caFile,
          credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
          repositories: ['team'],
        },
        { host: 'trusted.example.com', timeoutMs: 1000 },
      ],
    },
  },
});
const webhookPort = new URL(server.url).port;

/** Every request the process's undici clients create and every connection they attempt, but the test's own to the webhook. */
const outbound: string[] = [];
const onRequest = (message: unknown): void => {
  const request = isRecord(message) ? message.request : undefined;
  if (!isRecord(request) || typeof request.origin !== 'string' || typeof request.path !== 'string') return;
  if (new URL(request.origin).port !== webhookPort) outbound.push(`request ${request.origin}${request.path}`);
};
const onConnect = (message: unknown): void => {
  const params = isRecord(message) ? message.connectParams : undefined;
  if (!isRecord(params)) return;
  if (String(params.port) !== webhookPort) outbound.push(`connect ${String(params.host)}`);
};
subscribe('undici:request:create', onRequest);
subscribe('undici:client:beforeConnect', onConnect);
t.teardown(() => {
  unsubscribe('undici:request:create', onRequest);
  unsubscribe('undici:client:beforeConnect', onConnect);
});

const pod = (image: string) => podCase.wrap({ containers: [{ name: 'app', image }] });
const FIX = `use an image under one of: ${TRUSTED}/team, trusted.example.com`;

const untrusted = (image: string, repository: string): readonly [string, string] => [
  image,
  [
    'imagegate denied Pod "team-a/web" (1 violation):',
    `- spec.containers[0] (container "app"): image "${image}" (digest unresolved): trusted-registries: ${repository} is not in the trusted registries (registries.hosts); fix: ${FIX}`,
  ].join('\n'),
];
const invalid = (image: string, problem: string): readonly [string, string] => [
  image,
  [
    'imagegate denied Pod "team-a/web" (1 violation):',
    `- spec.containers[0] (container "app"): image "${image}": image-reference: image reference "${image}" is invalid: ${problem}; fix: write a valid image reference such as registry.example.com/team/app:1.2.3`,
  ].join('\n'),
];

const homoglyph = 'truѕted.example.com'; // Cyrillic U+0455 for the s
const punycode = domainToASCII(homoglyph);

const lookalikes: readonly (readonly [string, string])[] = [
  untrusted('evil.io/trusted.example.com/app:1', 'evil.io/trusted.example.com/app'),
  untrusted('trusted.example.com.evil.io/app:1', 'trusted.example.com.evil.io/app'),
  invalid(
    'trusted.example.com./app:1',
    'registry host "trusted.example.com." has an empty label (a leading, trailing or doubled "."): write "trusted.example.com"',
  ),
  untrusted('trusted.example.com:443/app:1', 'trusted.example.com:443/app'),
  invalid(
    `${homoglyph}/app:1`,
    'it contains non-ASCII character U+0455 at index 3: image references are ASCII only; write an internationalised registry host in punycode (xn--…)',
  ),
  untrusted(`${punycode}/app:1`, `${punycode}/app`),
  invalid(
    '*.trusted.example.com/app:1',
    'registry host "*.trusted.example.com" may only contain letters, digits, "-" and "." (label "*")',
  ),
  untrusted('app.trusted.example.com/app:1', 'app.trusted.example.com/app'),
  untrusted(`${TRUSTED}/teamster/app:1`, `${TRUSTED}/teamster/app`),
  untrusted(`evil.io/${TRUSTED.replace(':', '/')}/team/app:1`, `evil.io/${TRUSTED.replace(':', '/')}/team/app`),
  untrusted(`127.0.0.1:${reg.port}/team/app:1`, `127.0.0.1:${reg.port}/team/app`),
  untrusted(`localhost/team/app:1`, 'localhost/team/app'),
];

t.test('every look-alike is denied by /validate and contacted by nobody', async (t) => {
  outbound.length = 0;
  for (const [image, message] of lookalikes) {
    const { object, mutateWarnings, answer } = await webhook.admit(podCase, pod(image));
    t.same(object, pod(image), `${image}: /mutate leaves it as written`);
    t.equal(mutateWarnings.length, 1, `${image}: /mutate says why it is not pinned`);
    t.equal(answer.code, 403, image);
    t.equal(answer.message, message, image);
  }
  t.same(outbound, [], 'no request was created and no connection attempted for any of them');
});

t.test('an exact normalised host and a whole-segment path are admitted, and pinned at the registry', async (t) => {
  outbound.length = 0;
  for (const image of [`${TRUSTED}/team/app:1`, `${TRUSTED.toUpperCase()}/team/app:1`, `${TRUSTED}/team:1`]) {
    const { object, answer } = await webhook.admit(podCase, pod(image));
    t.same(object, pod(`${image}@${D}`), `${image}: pinned`);
    t.ok(answer.allowed, `${image}: admitted`);
  }
  t.match(
    outbound,
    [`request https://127.0.0.1:${reg.port}/v2/team/app/manifests/1`],
    'the trusted registry was contacted (by its checked address)',
  );
  const written = `trusted.example.com/app@${D}`;
  t.ok((await webhook.admit(podCase, pod(written))).answer.allowed, 'a written digest on the exact host is admitted');
});
