import t from 'tap';
import { request } from 'undici';
import { kindCases, paddedReview, podCase, review } from '../fixtures/reviews.js';
import { fakePinner, recordingDecider } from '../fixtures/deciders.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

async function postBytes(
  srv: TestServer,
  path: string,
  body: Uint8Array | string,
  contentType = 'application/json',
): Promise<{ status: number; json: unknown }> {
  const res = await request(`${srv.url}${path}`, {
    method: 'POST',
    dispatcher: srv.agent,
    headers: { 'content-type': contentType },
    body,
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.statusCode, json };
}

/** The same review with `bad` bytes spliced into its uid. */
function withUidBytes(bad: readonly number[]): Buffer {
  const text = JSON.stringify(review(podCase, { uid: 'uid-MARK-end' }));
  const [before = '', after = ''] = text.split('MARK');
  return Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)]);
}

t.test('charsets other than UTF-8 get 415; none or utf-8 in any spelling is read (break 7)', async (t) => {
  const { decider } = recordingDecider();
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const body = JSON.stringify(review(podCase));
  for (const type of [
    'application/json; charset=utf-16',
    'application/json; charset=UTF-16LE',
    'application/json;charset="iso-8859-1"',
    'application/json; charset=us-ascii',
    'application/json; charset=',
  ]) {
    for (const path of ['/validate', '/mutate']) {
      const res = await postBytes(srv, path, body, type);
      t.equal(res.status, 415, `${type} ${path}: 415`);
      t.match(res.json, {
        error: {
          code: 'IMAGEGATE_REQUEST_CHARSET_UNSUPPORTED',
          message: /is not supported; send the AdmissionReview as UTF-8/,
        },
      });
    }
  }
  for (const type of [
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON; Charset=UTF-8',
    'application/json; charset="utf-8"',
  ]) {
    t.equal((await postBytes(srv, '/validate', body, type)).status, 200, `${type}: read`);
  }
});

t.test('a body that is not valid UTF-8 gets 400, inline and in the parser thread (break 7)', async (t) => {
  const { decider, calls } = recordingDecider();
  const inline = await startTestServer({ decider });
  const threaded = await startTestServer({ decider, config: { server: { parseInWorkerAboveBytes: 0 } } });
  t.teardown(async () => {
    await inline.close();
    await threaded.close();
  });
  const cases: [string, number[]][] = [
    ['a stray continuation byte', [0x80]],
    ['0xff', [0xff]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ];
  for (const srv of [inline, threaded]) {
    for (const [name, bad] of cases) {
      const res = await postBytes(srv, '/validate', withUidBytes(bad));
      t.equal(res.status, 400, `${name}: 400`);
      t.match(
        res.json,
        { error: { code: 'IMAGEGATE_REQUEST_NOT_UTF8', message: /not valid UTF-8/ } },
        `${name}: says why, echoes nothing`,
      );
    }
    const valid = await postBytes(srv, '/validate', withUidBytes([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]));
    t.match(
      valid,
      { status: 200, json: { response: { uid: 'uid-é😀-end' } } },
      'valid multi-byte UTF-8 is echoed byte for byte',
    );
  }
  t.equal(calls.length, 2, 'only the two valid bodies reached the policy');
});

t.test('413 at the body limit, inline and through the parser thread', async (t) => {
  const { decider } = recordingDecider();
  const limit = 512 * 1024;
  for (const threshold of [limit, 0]) {
    const srv = await startTestServer({
      decider,
      config: { server: { bodyLimitBytes: limit, maxParsingBytes: limit, parseInWorkerAboveBytes: threshold } },
    });
    const base = JSON.stringify(review(podCase));
    const exact = base.replace('"name":"web"', `"name":"web","pad":"${'x'.repeat(limit - base.length - 9)}"`);
    t.equal(Buffer.byteLength(exact), limit);
    t.equal(
      (await postBytes(srv, '/validate', exact)).status,
      200,
      `threshold ${threshold}: a body of exactly the limit is decided`,
    );
    const over = await postBytes(srv, '/validate', `${exact} `);
    t.equal(over.status, 413, `threshold ${threshold}: one byte more is 413`);
    await srv.close();
  }
});

t.test('the parser thread gives exactly the verdicts and patches of the inline parse', async (t) => {
  const make = async (config: Record<string, unknown>) =>
    startTestServer({
      decider: recordingDecider({ deniedRegistry: 'docker.io' }).decider,
      pinner: fakePinner(),
      config,
    });
  const inline = await make({ admission: { maxImages: 5 } });
  const threaded = await make({ admission: { maxImages: 5 }, server: { parseInWorkerAboveBytes: 0 } });
  t.teardown(async () => {
    await inline.close();
    await threaded.close();
  });
  const spec = (containers: unknown, extra: Record<string, unknown> = {}) => podCase.wrap({ containers, ...extra });
  const bodies: [string, string][] = [
    ...kindCases.map((kc): [string, string] => [`CREATE ${kc.kind}`, JSON.stringify(review(kc))]),
    [
      'UPDATE',
      JSON.stringify(
        review(podCase, {
          operation: 'UPDATE',
          object: spec([
            { name: 'a', image: 'nginx:2' },
            { name: 'b', image: 'r.example.com/b:1' },
          ]),
          oldObject: spec([
            { name: 'a', image: 'nginx:1' },
            { name: 'b', image: 'r.example.com/b:1' },
          ]),
        }),
      ),
    ],
    ['DELETE', JSON.stringify(review(podCase, { operation: 'DELETE' }))],
    ['v1beta1', JSON.stringify(review(podCase, { apiVersion: 'admission.k8s.io/v1beta1' }))],
    [
      'too many images',
      JSON.stringify(
        review(podCase, {
          object: spec(Array.from({ length: 6 }, (_, i) => ({ name: `c${i}`, image: `r.example.com/i:${i}` }))),
        }),
      ),
    ],
    ['invalid object', JSON.stringify(review(podCase, { object: { spec: { containers: 'nginx' } } }))],
    ['unsupported kind', JSON.stringify(review({ ...podCase, kind: 'Secret' }))],
    ['invalid reference', JSON.stringify(review(podCase, { object: spec([{ name: 'a', image: 'Bad/Ref:1' }]) }))],
    [
      'pull secrets',
      JSON.stringify(
        review(podCase, {
          object: spec([{ name: 'a', image: 'r.example.com/a:1' }], {
            imagePullSecrets: [{ name: 's' }],
            serviceAccountName: 'sa',
          }),
        }),
      ),
    ],
    ['padded', paddedReview({ bytes: 400_000, keys: 25_000 })],
    [
      'duplicate key',
      JSON.stringify(review(podCase)).replace('"operation":"CREATE"', '"operation":"CREATE","operation":"DELETE"'),
    ],
    ['not a review', '{"kind":"Foo"}'],
    ['empty', ''],
  ];
  for (const [name, body] of bodies) {
    for (const path of ['/validate', '/mutate']) {
      const a = await postBytes(inline, path, body);
      const b = await postBytes(threaded, path, body);
      t.same(b, a, `${name} ${path}: same status and answer (${a.status})`);
    }
  }
});
