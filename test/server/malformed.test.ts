import t from 'tap';
import { podCase, review } from '../fixtures/reviews.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { startTestServer } from '../fixtures/server.js';
import { rawConnect, readUntilClose } from '../fixtures/raw.js';

t.test('malformed AdmissionReviews get 400 and never allowed:true (class 1)', async (t) => {
  const { decider, calls } = recordingDecider();
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const good = JSON.stringify(review(podCase));
  const cases: [string, string, RegExp][] = [
    ['truncated JSON', good.slice(0, good.length / 2), /not valid JSON/],
    [
      'request: null',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: null }),
      /request must be an object/,
    ],
    [
      'no request',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
      /request must be an object/,
    ],
    [
      'missing uid',
      good.replace('"uid":"705ab4f5-6393-11e8-b7cc-42010a800002",', ''),
      /request\.uid must be a non-empty string/,
    ],
    ['empty uid', good.replace('705ab4f5-6393-11e8-b7cc-42010a800002', ''), /request\.uid/],
    [
      'kind: Foo',
      good.replace('"kind":"AdmissionReview"', '"kind":"Foo"'),
      /kind must be "AdmissionReview", got "Foo"/,
    ],
    ['unknown apiVersion', good.replace('admission.k8s.io/v1', 'admission.k8s.io/v2'), /apiVersion must be/],
    [
      'duplicate keys',
      good.replace('"operation":"CREATE"', '"operation":"CREATE","operation":"DELETE"'),
      /duplicate key "operation"/,
    ],
    [
      'escaped duplicate keys',
      good.replace('"operation":"CREATE"', '"operation":"CREATE","op\\u0065ration":"DELETE"'),
      /duplicate key "operation"/,
    ],
    ['10k levels of nesting', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, /nesting deeper than 512/],
    ['not an object', '[1,2,3]', /must be a JSON object/],
    ['bad operation', good.replace('"operation":"CREATE"', '"operation":"PATCH"'), /request\.operation must be one of/],
  ];
  for (const [name, body, message] of cases) {
    for (const path of ['/validate', '/mutate']) {
      const res = await srv.post(path, body);
      t.equal(res.status, 400, `${name} ${path}: 400`);
      t.match(
        res.json,
        { error: { code: 'IMAGEGATE_REQUEST_MALFORMED', message } },
        `${name}: the error says what is wrong`,
      );
      t.notMatch(res.text, /"allowed"/, `${name}: no AdmissionReview answer`);
    }
  }
  t.equal((await srv.post('/validate', '')).status, 400, 'empty body: 400');
  t.equal(calls.length, 0);
  const ok = await srv.post('/validate', good);
  t.equal(ok.status, 200, 'the server still answers after all of that');
});

t.test('bodies: size cap, content type, lying Content-Length, endless chunks (class 2)', async (t) => {
  const { decider } = recordingDecider({ delayMs: 50 });
  const srv = await startTestServer({
    decider,
    config: { server: { headersTimeoutMs: 1000 }, admission: { maxTimeoutMs: 1500, defaultTimeoutMs: 1500 } },
  });
  t.teardown(() => srv.close());

  const big = JSON.stringify({ ...review(podCase), padding: 'x'.repeat(8 * 1024 * 1024) });
  t.equal((await srv.post('/validate', big)).status, 413, '8 MiB body: 413');
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/yaml']) {
    const res = await srv.post('/validate', JSON.stringify(review(podCase)), { 'content-type': type });
    t.equal(res.status, 415, `${type}: 415`);
  }

  const lying = await rawConnect({ port: srv.running.port, ca: srv.ca });
  const payload = 'x'.repeat(5 * 1024 * 1024);
  lying.write(
    `POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1\r\n\r\n${payload}`,
  );
  const lyingRes = await readUntilClose(lying, 5000);
  t.match(lyingRes.text, /^HTTP\/1\.1 400/, 'Content-Length: 1 with a 5 MB body: 400');
  t.notMatch(lyingRes.text, /"allowed":true/);

  const endless = await rawConnect({ port: srv.running.port, ca: srv.ca });
  endless.write(
    'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
  );
  const drip = setInterval(() => endless.write('1\r\n \r\n'), 50);
  const parallel = srv.post('/validate', review(podCase));
  const other = await parallel;
  t.equal(other.status, 200, 'other requests complete while a body never ends');
  const endlessRes = await readUntilClose(endless, 10_000);
  clearInterval(drip);
  t.ok(endlessRes.closed, 'the endless body is cut off by the request timeout');
  t.notMatch(endlessRes.text, /"allowed":true/);
});

t.test('slow headers are dropped by the headers timeout (class 3)', async (t) => {
  const { decider } = recordingDecider();
  const srv = await startTestServer({ decider, config: { server: { headersTimeoutMs: 300 } } });
  t.teardown(() => srv.close());
  const slow = await rawConnect({ port: srv.running.port, ca: srv.ca });
  slow.write('POST /validate HTTP/1.1\r\nHost: localhost\r\n');
  const drip = setInterval(() => slow.write('X-Slow: 1\r\n'), 100);
  const res = await readUntilClose(slow, 10_000);
  clearInterval(drip);
  t.ok(res.closed, 'a client that never finishes its headers is disconnected');
  t.match(res.text, /^HTTP\/1\.1 408 /, 'told why first');
  t.match(envelopeOf(res.text), { error: { code: 'IMAGEGATE_REQUEST_TIMEOUT', message: /server\.headersTimeoutMs/ } });
});

/** The JSON body of a raw HTTP answer. */
function envelopeOf(text: string): unknown {
  const at = text.indexOf('\r\n\r\n');
  return at < 0 ? undefined : JSON.parse(text.slice(at + 4));
}

t.test("requests Node's HTTP parser refuses are answered in the error envelope, then closed", async (t) => {
  const { decider, calls } = recordingDecider();
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const cases = [
    {
      name: 'a request line that is not HTTP',
      send: 'HELLO THERE\r\n\r\n',
      status: 400,
      code: 'IMAGEGATE_REQUEST_MALFORMED',
    },
    {
      name: 'a header line without a colon',
      send: 'POST /validate HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n',
      status: 400,
      code: 'IMAGEGATE_REQUEST_MALFORMED',
    },
    {
      name: 'headers over 16 KiB',
      send: `POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      status: 431,
      code: 'IMAGEGATE_REQUEST_HEADERS_TOO_LARGE',
    },
  ];
  for (const c of cases) {
    const socket = await rawConnect({ port: srv.running.port, ca: srv.ca });
    socket.write(c.send);
    const res = await readUntilClose(socket, 10_000);
    t.ok(res.closed, `${c.name}: the connection is closed`);
    t.match(res.text, new RegExp(`^HTTP/1\\.1 ${c.status} `), `${c.name}: HTTP ${c.status}`);
    t.match(res.text, /content-type: application\/json; charset=utf-8/i);
    t.match(envelopeOf(res.text), { error: { code: c.code, message: String } }, `${c.name}: ${c.code}`);
    t.notMatch(res.text, /aaaa|no colon|HELLO/, `${c.name}: nothing of the request echoed`);
  }
  t.equal(calls.length, 0, 'no review reached the policy');
});
