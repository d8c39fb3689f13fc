import { createHash } from 'node:crypto';
import t from 'tap';
import { isImagegateError } from '../../src/errors/index.js';
import { parseDigest, tryParseImageReference, withDigest, type Digest, type ImageRef } from '../../src/images/index.js';
import {
  DIGEST_INVALID,
  IMAGE_DIGEST_CONFLICT,
  IMAGE_REFERENCE_INVALID,
  familiarName,
  parseImageReference,
  registryEndpoint,
  registryHost,
} from '../../src/images/internal.js';

const HEX64 = createHash('sha256').update('imagegate').digest('hex');
const OTHER64 = createHash('sha256').update('something else').digest('hex');
const HEX128 = createHash('sha512').update('imagegate').digest('hex');
const D = `sha256:${HEX64}`;
const D512 = `sha512:${HEX128}`;
const HUB_NGINX = 'docker.io/library/nginx';

interface ValidCase {
  readonly input: string;
  readonly canonical: string;
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

interface InvalidCase {
  readonly input: string;
  /** Substrings the message must contain: the offending part and the fix. */
  readonly mentions: readonly string[];
}

function hub(path: string, tag: string): ValidCase {
  return { input: '', canonical: `docker.io/${path}:${tag}`, domain: 'docker.io', path, tag };
}

const valid: readonly ValidCase[] = [
  // Class 9: Docker Hub normalisation.
  { ...hub('library/nginx', 'latest'), input: 'nginx' },
  { ...hub('library/nginx', 'latest'), input: 'library/nginx' },
  { ...hub('library/nginx', 'latest'), input: 'docker.io/nginx' },
  { ...hub('library/nginx', 'latest'), input: 'docker.io/library/nginx' },
  { ...hub('library/nginx', 'latest'), input: 'index.docker.io/library/nginx' },
  { ...hub('library/nginx', 'latest'), input: 'index.docker.io/nginx' },
  { ...hub('library/nginx', 'latest'), input: 'nginx:latest' },
  { ...hub('library/nginx', '1.27'), input: 'nginx:1.27' },
  { ...hub('library/nginx', '1.27-alpine'), input: 'library/nginx:1.27-alpine' },
  { ...hub('user/app', 'latest'), input: 'user/app' },
  { ...hub('user/app', 'v2'), input: 'user/app:v2' },
  { ...hub('user/app', 'latest'), input: 'docker.io/user/app' },
  { ...hub('a/b/c/d/e', 'latest'), input: 'a/b/c/d/e' },
  // No dot, colon or uppercase: a docker.io namespace, not a host (class 17's decimal IP).
  { ...hub('2130706433/x', 'latest'), input: '2130706433/x' },
  // A bare host:port without a path is a name and a tag, as distribution reads it.
  { ...hub('library/localhost', '5000'), input: 'localhost:5000' },
  // Only the bare 64-hex string is an image ID; with a tag distribution reads it as a name.
  { ...hub(`library/${HEX64}`, 'v1'), input: `${HEX64}:v1` },
  { ...hub('library/my-app', 'latest'), input: 'my-app' },
  { ...hub('library/my__app', 'latest'), input: 'my__app' },
  { ...hub('library/my.app', 'latest'), input: 'my.app' },
  { ...hub('library/my_app', 'latest'), input: 'my_app' },
  { ...hub('library/a---b', 'latest'), input: 'a---b' },
  { ...hub('library/nginx', '_x'), input: 'nginx:_x' },
  { ...hub('library/nginx', 'V1.0-RC_2'), input: 'nginx:V1.0-RC_2' },
  { ...hub('library/nginx', 'x'.repeat(128)), input: `nginx:${'x'.repeat(128)}` },
  // Registries are recognised by ".", ":", "localhost" or uppercase.
  { input: 'Foo/bar', canonical: 'Foo/bar:latest', domain: 'Foo', path: 'bar', tag: 'latest' },
  { input: 'LOCALHOST/x', canonical: 'LOCALHOST/x:latest', domain: 'LOCALHOST', path: 'x', tag: 'latest' },
  { input: 'localhost/x', canonical: 'localhost/x:latest', domain: 'localhost', path: 'x', tag: 'latest' },
  {
    input: 'localhost:5000/x',
    canonical: 'localhost:5000/x:latest',
    domain: 'localhost:5000',
    path: 'x',
    tag: 'latest',
  },
  { input: 'host:5000/x', canonical: 'host:5000/x:latest', domain: 'host:5000', path: 'x', tag: 'latest' },
  { input: '[::1]:5000/x', canonical: '[::1]:5000/x:latest', domain: '[::1]:5000', path: 'x', tag: 'latest' },
  { input: '[2001:db8::1]/x', canonical: '[2001:db8::1]/x:latest', domain: '[2001:db8::1]', path: 'x', tag: 'latest' },
  {
    input: 'ghcr.io/org/team/app:v1.2.3',
    canonical: 'ghcr.io/org/team/app:v1.2.3',
    domain: 'ghcr.io',
    path: 'org/team/app',
    tag: 'v1.2.3',
  },
  { input: 'a.b/c', canonical: 'a.b/c:latest', domain: 'a.b', path: 'c', tag: 'latest' },
  { input: '1-2.example/x', canonical: '1-2.example/x:latest', domain: '1-2.example', path: 'x', tag: 'latest' },
  // Docker.io with another case or a port is a different registry, so no library/ is added.
  { input: 'Docker.io/nginx', canonical: 'Docker.io/nginx:latest', domain: 'Docker.io', path: 'nginx', tag: 'latest' },
  {
    input: 'index.docker.io:443/nginx',
    canonical: 'index.docker.io:443/nginx:latest',
    domain: 'index.docker.io:443',
    path: 'nginx',
    tag: 'latest',
  },
  // Digests: the tag is kept but never replaces the digest; a bare digest gets no latest.
  { input: `nginx@${D}`, canonical: `${HUB_NGINX}@${D}`, domain: 'docker.io', path: 'library/nginx', digest: D },
  {
    input: `nginx:1.27@${D}`,
    canonical: `${HUB_NGINX}:1.27@${D}`,
    domain: 'docker.io',
    path: 'library/nginx',
    tag: '1.27',
    digest: D,
  },
  {
    input: `docker.io/library/nginx:latest@${D}`,
    canonical: `${HUB_NGINX}:latest@${D}`,
    domain: 'docker.io',
    path: 'library/nginx',
    tag: 'latest',
    digest: D,
  },
  {
    input: `gcr.io/project/app@${D512}`,
    canonical: `gcr.io/project/app@${D512}`,
    domain: 'gcr.io',
    path: 'project/app',
    digest: D512,
  },
  {
    input: `registry.example.com:5000/team/app:1.0@${D}`,
    canonical: `registry.example.com:5000/team/app:1.0@${D}`,
    domain: 'registry.example.com:5000',
    path: 'team/app',
    tag: '1.0',
    digest: D,
  },
  // Class 10: trusted-registry confusion. Each keeps a domain a host check can tell apart.
  {
    input: 'evil.io/trusted.example.com/app',
    canonical: 'evil.io/trusted.example.com/app:latest',
    domain: 'evil.io',
    path: 'trusted.example.com/app',
    tag: 'latest',
  },
  {
    input: 'trusted.example.com.evil.io/app',
    canonical: 'trusted.example.com.evil.io/app:latest',
    domain: 'trusted.example.com.evil.io',
    path: 'app',
    tag: 'latest',
  },
  // The domain keeps its case, as distribution does; registryHost lowercases.
  {
    input: 'TRUSTED.example.com/app',
    canonical: 'TRUSTED.example.com/app:latest',
    domain: 'TRUSTED.example.com',
    path: 'app',
    tag: 'latest',
  },
  {
    input: 'trusted.example.com:443/app',
    canonical: 'trusted.example.com:443/app:latest',
    domain: 'trusted.example.com:443',
    path: 'app',
    tag: 'latest',
  },
  { input: 'a:443/x', canonical: 'a:443/x:latest', domain: 'a:443', path: 'x', tag: 'latest' },
  {
    input: 'xn--80ak6aa92e.com/x',
    canonical: 'xn--80ak6aa92e.com/x:latest',
    domain: 'xn--80ak6aa92e.com',
    path: 'x',
    tag: 'latest',
  },
  // Class 17: SSRF-looking hosts parse; blocking them is the registry client's job.
  {
    input: '[::ffff:a9fe:a9fe]/x',
    canonical: '[::ffff:a9fe:a9fe]/x:latest',
    domain: '[::ffff:a9fe:a9fe]',
    path: 'x',
    tag: 'latest',
  },
  {
    input: '169.254.169.254/x',
    canonical: '169.254.169.254/x:latest',
    domain: '169.254.169.254',
    path: 'x',
    tag: 'latest',
  },
  {
    input: '127.0.0.1:10250/x',
    canonical: '127.0.0.1:10250/x:latest',
    domain: '127.0.0.1:10250',
    path: 'x',
    tag: 'latest',
  },
  {
    input: 'kubernetes.default.svc/x',
    canonical: 'kubernetes.default.svc/x:latest',
    domain: 'kubernetes.default.svc',
    path: 'x',
    tag: 'latest',
  },
  { input: '0x7f.1/x', canonical: '0x7f.1/x:latest', domain: '0x7f.1', path: 'x', tag: 'latest' },
  // Longest name: 12 + 243 = 255 characters including the domain.
  {
    input: `example.com/${'a'.repeat(243)}`,
    canonical: `example.com/${'a'.repeat(243)}:latest`,
    domain: 'example.com',
    path: 'a'.repeat(243),
    tag: 'latest',
  },
];

const invalid: readonly InvalidCase[] = [
  { input: '', mentions: ['is empty', 'nginx:1.27'] },
  { input: ' ', mentions: ['space at index 0', 'remove it'] },
  { input: 'nginx ', mentions: ['space at index 5'] },
  { input: 'ngi nx', mentions: ['space at index 3'] },
  { input: '\tnginx', mentions: ['control character U+0009 at index 0'] },
  { input: 'nginx\n', mentions: ['control character U+000A at index 5'] },
  { input: 'nginx\u0000', mentions: ['U+0000'] },
  { input: 'nginx\u007f', mentions: ['U+007F'] },
  { input: 'nginx\u00a0', mentions: ['non-ASCII character U+00A0'] },
  { input: '\u0435vil.io/app', mentions: ['non-ASCII character U+0435 at index 0', 'punycode'] },
  { input: '\u202enginx', mentions: ['U+202E'] },
  { input: 'nginx:', mentions: ['tag "" is empty: write nginx:1.27 or drop the colon'] },
  { input: 'localhost:5000/x:', mentions: ['tag "" is empty', 'localhost:5000/x:1.27'] },
  { input: 'nginx@', mentions: ['nothing follows "@"', 'nginx@sha256:'] },
  { input: 'nginx:latest@', mentions: ['nothing follows "@"'] },
  { input: 'nginx/', mentions: ['"nginx/" has an empty component', 'write "nginx"'] },
  { input: 'a//b', mentions: ['empty component', 'write "a/b"'] },
  { input: '/nginx', mentions: ['empty component'] },
  { input: 'docker.io/', mentions: ['nothing follows the registry host "docker.io"'] },
  { input: ':tag', mentions: ['repository name is empty'] },
  { input: `@${D}`, mentions: ['repository name is empty'] },
  { input: 'App', mentions: ['repository name must be lowercase: "App" → write "app"'] },
  { input: 'user/App', mentions: ['"App" → write "app"'] },
  { input: 'Foo/Bar', mentions: ['"Bar" → write "bar"'] },
  { input: 'example.com/Team/app', mentions: ['"Team" → write "team"'] },
  { input: HEX64, mentions: ['64-character hex image ID', 'repository@sha256:'] },
  { input: 'nginx@sha256:abc', mentions: ['digest "sha256:abc" must have 64 lowercase hex characters', 'it has 3'] },
  { input: 'nginx@md5:d41d8cd98f00b204e9800998ecf8427e', mentions: ['algorithm "md5" is not supported; use sha256'] },
  { input: 'nginx@sha384:' + 'a'.repeat(96), mentions: ['algorithm "sha384" is not supported'] },
  { input: `nginx@SHA256:${HEX64}`, mentions: ['algorithm "SHA256" is not supported'] },
  { input: `nginx@sha256:${HEX64.toUpperCase()}`, mentions: ['uppercase hex', 'lowercase'] },
  { input: `nginx@sha256:${HEX64.slice(1)}`, mentions: ['must have 64', 'it has 63'] },
  { input: `nginx@sha256:${HEX64}0`, mentions: ['must have 64', 'it has 65'] },
  { input: `nginx@sha512:${HEX64}`, mentions: ['must have 128 lowercase hex characters', 'it has 64'] },
  { input: `nginx@sha256:${'g'.repeat(64)}`, mentions: ['non-hex character'] },
  { input: `nginx@${HEX64}`, mentions: ['must be written algorithm:hex'] },
  { input: 'nginx@sha256', mentions: ['must be written algorithm:hex'] },
  { input: `nginx@:${HEX64}`, mentions: ['must be written algorithm:hex'] },
  { input: `nginx@${D}@${D}`, mentions: ['non-hex character'] },
  { input: `nginx@${D}:x`, mentions: ['non-hex character'] },
  { input: 'nginx:1.0:2.0', mentions: ['tag "1.0:2.0" may only contain'] },
  { input: 'nginx:-x', mentions: ['tag "-x" must start with a letter, digit or "_"'] },
  { input: 'nginx:.x', mentions: ['tag ".x" must start'] },
  { input: `nginx:${'x'.repeat(129)}`, mentions: ['(129 characters) exceeds the limit of 128'] },
  { input: 'user/app:tag/extra', mentions: ['repository name "app:tag" may only contain'] },
  {
    input: 'trusted.example.com./app',
    mentions: ['"trusted.example.com." has an empty label', 'write "trusted.example.com"'],
  },
  { input: '.example.com/app', mentions: ['empty label', 'write "example.com"'] },
  { input: 'a..b.com/app', mentions: ['empty label', 'write "a.b.com"'] },
  { input: '*.trusted.example.com/app', mentions: ['"*.trusted.example.com" may only contain', 'label "*"'] },
  { input: '-host.com/app', mentions: ['label "-host"', 'must not start or end with "-"'] },
  { input: 'host-.com/app', mentions: ['label "host-"'] },
  { input: 'under_score.com/app', mentions: ['label "under_score"'] },
  { input: 'host:/app', mentions: ['registry port "" in "host:"', '1 to 65535'] },
  { input: 'host:abc/app', mentions: ['registry port "abc"'] },
  { input: 'host:0/app', mentions: ['registry port "0"'] },
  { input: 'host:65536/app', mentions: ['registry port "65536"'] },
  { input: 'host:1:2/app', mentions: ['registry port "1:2"'] },
  { input: ':5000/app', mentions: ['registry host is empty'] },
  { input: '[::1/app', mentions: ['without closing "]"'] },
  { input: '[::1]x/app', mentions: ['"x" after "]"'] },
  // No "." or ":" before the "/", so "[]" is a docker.io path component, as in distribution.
  { input: '[]/app', mentions: ['repository name "[]" may only contain'] },
  { input: '[]:5000/app', mentions: ['"" in brackets, which is not an IPv6 address'] },
  { input: '[::ffff:169.254.169.254]/app', mentions: ['not an IPv6 address'] },
  { input: '[fe80::1%eth0]/app', mentions: ['not an IPv6 address'] },
  { input: '[1:2:3]/app', mentions: ['"1:2:3" in brackets'] },
  { input: '[::1]', mentions: ['must be followed by /repository'] },
  { input: '[::1]:5000', mentions: ['must be followed by /repository'] },
  { input: 'https://registry.example.com/app', mentions: ['URL scheme', 'drop "https://"'] },
  { input: 'my..app', mentions: ['separator ".."'] },
  { input: 'a___b', mentions: ['separator "___"'] },
  { input: 'a._b', mentions: ['separator "._"'] },
  { input: 'my.-app', mentions: ['separator ".-"'] },
  { input: 'my-app-', mentions: ['"my-app-" must start and end with a letter or digit'] },
  { input: '-app', mentions: ['must start and end'] },
  { input: '_app', mentions: ['must start and end'] },
  { input: 'user/my!app', mentions: ['"my!app" may only contain lowercase letters'] },
  { input: `example.com/${'a'.repeat(244)}`, mentions: ['(256 characters) exceeds the limit of 255'] },
  // A one-component name gains docker.io/library/ (18 characters) before the 255 check.
  { input: 'a'.repeat(238), mentions: ['"docker.io/library/aaa', '(256 characters) exceeds the limit of 255'] },
  // Backtracking bait for a naive `(sep? alnum+)*` regex: long, almost valid, failing at the end.
  { input: `${'a-'.repeat(1500)}a!`, mentions: ['may only contain lowercase letters'] },
  { input: `${'a'.repeat(3000)}_-a`, mentions: ['separator "_-"'] },
];

/** The assertion object tap passes to a subtest callback. */
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0];

function expectInvalid(t: TestContext, input: string, mentions: readonly string[]): void {
  const result = tryParseImageReference(input);
  if (result.ok) {
    t.fail(`accepted ${JSON.stringify(input)} as ${result.ref.canonical}`);
    return;
  }
  t.equal(result.error.code, IMAGE_REFERENCE_INVALID);
  t.ok(result.error.message.startsWith(`image reference ${JSON.stringify(input.slice(0, 200))}`), 'quotes the input');
  for (const mention of mentions) t.match(result.error.message, mention, `message names ${mention}`);
  t.throws(() => parseImageReference(input), { code: IMAGE_REFERENCE_INVALID, message: result.error.message });
}

t.test('valid references normalise like distribution', async (t) => {
  t.ok(valid.length + invalid.length >= 80, `${valid.length} valid + ${invalid.length} invalid cases`);
  for (const c of valid) {
    t.test(JSON.stringify(c.input).slice(0, 80), async (t) => {
      const ref = parseImageReference(c.input);
      t.equal(ref.canonical, c.canonical, 'canonical');
      t.equal(ref.domain, c.domain, 'domain');
      t.equal(ref.path, c.path, 'path');
      t.equal(ref.repository, `${c.domain}/${c.path}`, 'repository');
      t.equal(ref.tag, c.tag, 'tag');
      t.equal(ref.digest, c.digest, 'digest');
      t.equal(ref.original, c.input, 'original');
      t.equal(parseImageReference(ref.canonical).canonical, ref.canonical, 'canonical re-parses to itself');
      t.equal(parseImageReference(familiarName(ref)).canonical, ref.canonical, 'familiar name re-parses to it');
    });
  }
});

t.test('invalid references are rejected with a message naming the problem', async (t) => {
  for (const c of invalid) {
    t.test(JSON.stringify(c.input).slice(0, 80), async (t) => expectInvalid(t, c.input, c.mentions));
  }
});

t.test('input length is capped before parsing and the message stays small', async (t) => {
  const huge = `nginx:${'a'.repeat(10_000)}`;
  expectInvalid(t, huge, ['(10006 characters) is invalid', 'exceeds the limit of 4096 characters']);
  const result = tryParseImageReference(huge);
  t.ok(!result.ok && result.error.message.length < 400, 'a 10 KB input yields a short message');
  // Exactly at the cap the input is parsed, and fails on the name length instead.
  expectInvalid(t, 'a'.repeat(4096), ['repository name', 'the limit of 255']);
  const controls = tryParseImageReference('\u0000'.repeat(5000));
  t.ok(!controls.ok && controls.error.message.length < 400, 'escaped control characters are truncated too');
});

t.test('non-string input is rejected, not thrown as a TypeError', async (t) => {
  const fromJson: unknown = JSON.parse('{"image": 42}');
  const image: unknown = typeof fromJson === 'object' && fromJson !== null ? Reflect.get(fromJson, 'image') : undefined;
  // @ts-expect-error a caller that skipped schema validation
  const result = tryParseImageReference(image);
  t.equal(result.ok, false);
  t.match(result.ok ? '' : result.error.message, 'must be a string, got number');
});

t.test('tryParseImageReference returns a tagged union', async (t) => {
  const good = tryParseImageReference('nginx');
  t.ok(good.ok && good.ref.canonical === 'docker.io/library/nginx:latest');
  const bad = tryParseImageReference('nginx:');
  t.ok(!bad.ok && isImagegateError(bad.error, IMAGE_REFERENCE_INVALID));
});

t.test('familiarName gives docker short forms that parse back to the same image', async (t) => {
  const cases: readonly (readonly [string, string])[] = [
    ['nginx', 'nginx:latest'],
    ['docker.io/library/nginx:1.27', 'nginx:1.27'],
    ['docker.io/user/app:v1', 'user/app:v1'],
    ['docker.io/library/a/b', 'library/a/b:latest'],
    ['gcr.io/x', 'gcr.io/x:latest'],
    [`nginx@${D}`, `nginx@${D}`],
    [`nginx:1@${D}`, `nginx:1@${D}`],
    // distribution would shorten these to names that parse as a different registry.
    ['docker.io/foo.bar/x', 'docker.io/foo.bar/x:latest'],
    ['docker.io/localhost/x', 'docker.io/localhost/x:latest'],
  ];
  for (const [input, familiar] of cases) {
    const ref = parseImageReference(input);
    t.equal(familiarName(ref), familiar, input);
    t.equal(parseImageReference(familiar).canonical, ref.canonical, `${familiar} round-trips`);
  }
});

t.test('withDigest pins to repository:tag@digest', async (t) => {
  const digest = parseDigest(D);
  const pinned = withDigest(parseImageReference('nginx'), digest);
  t.equal(pinned.canonical, `${HUB_NGINX}:latest@${D}`);
  t.equal(pinned.tag, 'latest');
  t.equal(pinned.digest, D);
  t.equal(pinned.original, 'nginx');
  t.equal(withDigest(parseImageReference(`ghcr.io/o/a@${D}`), digest).canonical, `ghcr.io/o/a@${D}`, 'no tag invented');
  const already = parseImageReference(`nginx:1.27@${D}`);
  t.equal(withDigest(already, digest).canonical, already.canonical, 'pinning to the same digest is idempotent');
  t.throws(() => withDigest(already, parseDigest(`sha256:${OTHER64}`)), {
    code: IMAGE_DIGEST_CONFLICT,
    message: /already pinned to sha256:/,
  });
  t.equal(parseImageReference(pinned.canonical).canonical, pinned.canonical, 'the pinned form parses back');
});

t.test('registryHost lowercases, keeps the port and maps Docker Hub', async (t) => {
  const host = (input: string): string => registryHost(parseImageReference(input));
  t.equal(host('nginx'), 'registry-1.docker.io');
  t.equal(host('index.docker.io/library/nginx'), 'registry-1.docker.io');
  t.equal(host('TRUSTED.example.com/app'), 'trusted.example.com');
  t.equal(host('trusted.example.com:443/app'), 'trusted.example.com:443');
  t.equal(host('[2001:DB8::1]:5000/x'), '[2001:db8::1]:5000', 'brackets kept for URLs');
  t.equal(host('localhost/x'), 'localhost');

  const v6 = registryEndpoint(parseImageReference('[2001:DB8::1]:5000/x'));
  t.same({ ...v6 }, { authority: '[2001:db8::1]:5000', hostname: '2001:db8::1', port: 5000 });
  const bare = registryEndpoint(parseImageReference('[::1]/x'));
  t.same({ ...bare }, { authority: '[::1]', hostname: '::1' });
  const hub = registryEndpoint(parseImageReference('nginx'));
  t.same({ ...hub }, { authority: 'registry-1.docker.io', hostname: 'registry-1.docker.io' });
  t.equal(registryEndpoint(parseImageReference('a:443/x')).port, 443);
});

t.test('parseDigest accepts sha256 and sha512 only', async (t) => {
  t.equal(parseDigest(D), D);
  t.equal(parseDigest(D512), D512);
  for (const bad of [
    '',
    'sha256:abc',
    `md5:${HEX64.slice(0, 32)}`,
    `sha256:${HEX64.toUpperCase()}`,
    ` ${D}`,
    'x'.repeat(5000),
  ]) {
    t.throws(() => parseDigest(bad), { code: DIGEST_INVALID }, JSON.stringify(bad).slice(0, 40));
  }
  const long = tryParseImageReference(`nginx@sha256:${'x'.repeat(5000)}`);
  t.ok(!long.ok && long.error.message.length < 600, 'a long digest is quoted truncated');
  let message = '';
  try {
    parseDigest(`sha256:${'0'.repeat(3000)}`);
  } catch (err: unknown) {
    message = err instanceof Error ? err.message : '';
  }
  t.match(message, 'must have 64 lowercase hex characters after the colon; it has 3000');
  t.ok(message.length < 300, 'parseDigest messages are bounded');
});

t.test('branded types come only from the parsers', async (t) => {
  // @ts-expect-error a plain string is not a Digest
  const forgedDigest: Digest = D;
  // @ts-expect-error an object literal lacks the parser's brand
  const forgedRef: ImageRef = {
    original: 'x',
    domain: 'docker.io',
    path: 'library/x',
    repository: 'docker.io/library/x',
    canonical: 'x',
  };
  t.ok(forgedDigest.length > 0 && forgedRef.path.length > 0, 'forgeries compile only with the expect-error lines');
  const ref = parseImageReference('nginx');
  t.equal(Reflect.set(ref, 'path', 'library/evil'), false, 'parsed references are frozen');
  t.equal(ref.path, 'library/nginx');
});
