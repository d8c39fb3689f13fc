import t, { type Test } from 'tap';
import { connect } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { validateConfig } from '../../src/config/internal.js';
import { createMetrics } from '../../src/server/index.js';
import { buildApp } from '../../src/server/internal.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { memoryLog } from '../fixtures/server.js';
import { podCase, review } from '../fixtures/reviews.js';

const BODY_LIMIT = 4096;

/** The webhook app without TLS, answered through inject(); a small body limit keeps 413 cheap. */
function app(t: Test) {
  const config = validateConfig({
    value: { server: { bodyLimitBytes: BODY_LIMIT, maxParsingBytes: BODY_LIMIT * 4 } },
    source: 'test',
  });
  const metrics = createMetrics();
  const { logger, lines } = memoryLog();
  const built = buildApp({ config, logger, decider: recordingDecider().decider, metrics });
  t.teardown(() => built.close());
  return { app: built, metrics, lines };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The response body, checked to be exactly the one envelope with an IMAGEGATE_ code. */
function envelopeOf(t: Test, text: string): { code: string; message: string } {
  const body: unknown = JSON.parse(text);
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(body) || !isRecord(error)) {
    t.fail(`not the error envelope: ${text}`);
    return { code: '', message: '' };
  }
  t.same(Object.keys(body), ['error'], 'nothing beside "error"');
  t.same(Object.keys(error).sort(), ['code', 'message'], 'only code and message');
  const { code, message } = error;
  t.match(code, /^IMAGEGATE_[A-Z_]+$/, 'an IMAGEGATE_ code');
  t.type(message, 'string');
  return { code: String(code), message: String(message) };
}

async function rejectedCount(metrics: ReturnType<typeof createMetrics>, status: number): Promise<number> {
  const metric = await metrics.rejectedRequests.get();
  return metric.values.filter((v) => v.labels.status === String(status)).reduce((n, v) => n + v.value, 0);
}

t.test('404: an unknown path answers IMAGEGATE_ROUTE_NOT_FOUND without echoing the path, and is counted', async (t) => {
  const { app: a, metrics } = app(t);
  for (const [method, url] of [
    ['GET', '/nope/<script>'],
    ['POST', '/validate/extra'],
    ['GET', '/validate'],
  ] as const) {
    const res = await a.inject({ method, url });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    const error = envelopeOf(t, res.body);
    t.equal(error.code, 'IMAGEGATE_ROUTE_NOT_FOUND');
    t.notMatch(error.message, /nope|script|extra/, "the caller's path is not echoed");
    t.match(error.message, /POST \/validate/, 'names the endpoints that exist');
  }
  t.equal(await rejectedCount(metrics, 404), 3);
  const labels = (await metrics.rejectedRequests.get()).values.map((v) => v.labels.endpoint);
  t.same([...new Set(labels)], ['unknown'], "the endpoint label never carries the caller's path");
});

t.test('413: a body over server.bodyLimitBytes answers IMAGEGATE_REQUEST_TOO_LARGE naming the limit', async (t) => {
  const { app: a, metrics } = app(t);
  for (const url of ['/validate', '/mutate']) {
    const res = await a.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: 'x'.repeat(BODY_LIMIT + 1),
    });
    t.equal(res.statusCode, 413, url);
    const error = envelopeOf(t, res.body);
    t.equal(error.code, 'IMAGEGATE_REQUEST_TOO_LARGE');
    t.match(error.message, `${BODY_LIMIT} bytes`);
    t.match(error.message, 'server.bodyLimitBytes');
  }
  t.equal(await rejectedCount(metrics, 413), 2);
});

t.test('415: a media type other than application/json answers IMAGEGATE_REQUEST_MEDIA_TYPE_UNSUPPORTED', async (t) => {
  const { app: a, metrics } = app(t);
  const body = JSON.stringify(review(podCase));
  const res = await a.inject({
    method: 'POST',
    url: '/validate',
    headers: { 'content-type': 'text/plain' },
    payload: body,
  });
  t.equal(res.statusCode, 415);
  const error = envelopeOf(t, res.body);
  t.equal(error.code, 'IMAGEGATE_REQUEST_MEDIA_TYPE_UNSUPPORTED');
  t.match(error.message, 'got "text/plain"');
  const hostile = await a.inject({
    method: 'POST',
    url: '/mutate',
    headers: { 'content-type': `text/${'x'.repeat(500)}` },
    payload: body,
  });
  t.equal(hostile.statusCode, 415);
  t.notMatch(envelopeOf(t, hostile.body).message, 'xxxxxxxxxx', 'an over-long content type is not echoed');
  const charset = await a.inject({
    method: 'POST',
    url: '/validate',
    headers: { 'content-type': 'application/json; charset=utf-16' },
    payload: body,
  });
  t.equal(charset.statusCode, 415);
  t.equal(envelopeOf(t, charset.body).code, 'IMAGEGATE_REQUEST_CHARSET_UNSUPPORTED', 'the charset keeps its own code');
  t.equal(await rejectedCount(metrics, 415), 3);
});

t.test("400: fastify's own client errors and malformed reviews answer IMAGEGATE_REQUEST_MALFORMED", async (t) => {
  const { app: a, metrics } = app(t);
  const badUrl = await a.inject({ method: 'GET', url: '/%zz' });
  t.equal(badUrl.statusCode, 400, 'a URL that does not decode');
  t.equal(envelopeOf(t, badUrl.body).code, 'IMAGEGATE_REQUEST_MALFORMED');
  t.notMatch(badUrl.body, 'FST_', 'no fastify code reaches the client');
  const malformed = await a.inject({
    method: 'POST',
    url: '/validate',
    headers: { 'content-type': 'application/json' },
    payload: '{"kind":',
  });
  t.equal(malformed.statusCode, 400, 'a body that is not JSON');
  t.equal(envelopeOf(t, malformed.body).code, 'IMAGEGATE_REQUEST_MALFORMED');
  t.equal(await rejectedCount(metrics, 400), 2);
});

t.test('an answered review is not counted as rejected', async (t) => {
  const { app: a, metrics } = app(t);
  const res = await a.inject({
    method: 'POST',
    url: '/validate',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(review(podCase)),
  });
  t.equal(res.statusCode, 200);
  t.equal((await metrics.rejectedRequests.get()).values.length, 0);
});

t.test(
  '503: a request arriving on an open connection while the server closes answers IMAGEGATE_SERVER_CLOSING',
  async (t) => {
    const config = validateConfig({ value: {}, source: 'test' });
    const metrics = createMetrics();
    const a = buildApp({
      config,
      logger: memoryLog().logger,
      decider: recordingDecider({ delayMs: 400 }).decider,
      metrics,
    });
    await a.listen({ host: '127.0.0.1', port: 0 });
    const address = a.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const socket = connect({ host: '127.0.0.1', port: address.port });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const body = JSON.stringify(review(podCase));
    socket.write(
      `POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await setTimeout(100); // the slow review is in flight: its connection is not idle, so it stays open
    const closed = a.close();
    await setTimeout(50);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await Promise.race([ended, setTimeout(5000)]);
    socket.destroy();
    await closed;
    const text = Buffer.concat(chunks).toString('utf8');
    t.match(text, /^HTTP\/1\.1 200 /, 'the review in flight is answered');
    const second = text.slice(text.indexOf('HTTP/1.1', 1));
    t.match(second, /^HTTP\/1\.1 503 /, 'the request after close began is refused');
    t.equal(envelopeOf(t, second.slice(second.indexOf('\r\n\r\n') + 4)).code, 'IMAGEGATE_SERVER_CLOSING');
    t.equal(await rejectedCount(metrics, 503), 1);
  },
);
