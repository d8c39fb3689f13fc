import t, { type Test } from 'tap';
import { connect, type Socket } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { validateConfig } from '../../src/config/internal.js';
import { createMetrics } from '../../src/server/index.js';
import { buildApp } from '../../src/server/internal.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { memoryLog } from '../fixtures/server.js';
import { podCase, review } from '../fixtures/reviews.js';

async function listening(t: Test, opts: { draining?: () => boolean } = {}) {
  const app = buildApp({
    config: validateConfig({ value: { server: { headersTimeoutMs: 1_000 } }, source: 'test' }),
    logger: memoryLog().logger,
    decider: recordingDecider().decider,
    metrics: createMetrics(),
    ...opts,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, port: address.port };
}

/** A raw client: what it received, and whether the server reset or ended the connection. */
async function rawClient(port: number) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    closed,
    text: () => Buffer.concat(chunks).toString('utf8'),
    error: () => error,
  };
}

function validateRequest(): string {
  const body = JSON.stringify(review(podCase));
  return `POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

t.test('while draining, every answer says Connection: close and the connection is closed after it', async (t) => {
  let draining = false;
  const { port } = await listening(t, { draining: () => draining });
  const before = await rawClient(port);
  before.socket.write(validateRequest());
  await setTimeout(200);
  t.match(before.text(), /^HTTP\/1\.1 200 /);
  t.match(before.text(), /connection: keep-alive/i, 'kept alive before the drain');
  draining = true;
  const during = await rawClient(port);
  during.socket.write(validateRequest());
  await Promise.race([during.closed, setTimeout(3_000)]);
  t.match(during.text(), /^HTTP\/1\.1 200 /, 'answered during the drain');
  t.match(during.text(), /connection: close/i);
  t.ok(during.socket.destroyed, 'and closed by the server');
  before.socket.destroy();
});

t.test(
  'closing the server never resets a connection whose first request is still to come: it is refused with 503, an answered idle one is closed',
  async (t) => {
    const { app, port } = await listening(t);
    const answered = await rawClient(port);
    answered.socket.write(validateRequest());
    await setTimeout(200);
    t.match(answered.text(), /^HTTP\/1\.1 200 /);
    const fresh = await rawClient(port);
    await setTimeout(50); // accepted by the server, no request yet
    const closed = app.close();
    await Promise.race([answered.closed, setTimeout(2_000)]);
    t.ok(answered.socket.destroyed, 'the answered idle connection is closed at once');
    t.notOk(fresh.socket.destroyed, 'the connection with no request yet is spared');
    fresh.socket.write(validateRequest());
    await Promise.race([fresh.closed, setTimeout(3_000)]);
    t.equal(fresh.error(), undefined, 'no reset');
    t.match(fresh.text(), /^HTTP\/1\.1 503 /);
    t.match(fresh.text(), /IMAGEGATE_SERVER_CLOSING/);
    await closed;
  },
);

t.test('a connection that never sends a request does not hold the close past the headers timeout', async (t) => {
  const { app, port } = await listening(t);
  const silent = await rawClient(port);
  await setTimeout(50);
  const started = performance.now();
  await app.close();
  t.ok(silent.socket.destroyed || (await Promise.race([silent.closed.then(() => true), setTimeout(500, false)])));
  t.ok(performance.now() - started < 2_900, 'closed within the grace (headersTimeoutMs 1000) plus slack');
});
