import t from 'tap';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { podCase, review } from '../fixtures/reviews.js';
import { fakePinner, recordingDecider } from '../fixtures/deciders.js';
import { decodePatch, reviewResponse, startTestServer, type TestServer } from '../fixtures/server.js';
import { rawConnect, readUntilClose } from '../fixtures/raw.js';
import { validateConfig } from '../../src/config/internal.js';
import { connectionLimits, descriptorsNeeded, openFilesLimit, reviewBudgetMs } from '../../src/server/internal.js';
import type { Pinner } from '../../src/admission/index.js';

/** Resolves when `socket` closes, or with closed: false after `limitMs`. */
function closedWithin(socket: Socket, limitMs: number): Promise<{ closed: boolean; afterMs: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, afterMs: performance.now() - started });
    }, limitMs);
    socket.on('error', () => undefined);
    socket.resume(); // a socket that is not read never notices the server's FIN
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, afterMs: performance.now() - started });
    });
  });
}

function openConnections(srv: TestServer): Promise<number> {
  return new Promise((resolve, reject) =>
    srv.running.app.server.getConnections((err, n) => (err === null ? resolve(n) : reject(err))),
  );
}

function requestText(body: string, connection: 'close' | 'keep-alive'): string {
  return `POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: ${connection}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

t.test('server timeouts always outlast the longest review (issue 8 break 3)', async (t) => {
  for (const admission of [
    {},
    { maxTimeoutMs: 3_000, defaultTimeoutMs: 3_000 },
    { maxTimeoutMs: 30_000, deadlineMarginMs: 0 },
  ]) {
    const config = validateConfig({ value: { server: { headersTimeoutMs: 1_000 }, admission }, source: 'test' });
    const limits = connectionLimits({ config });
    const a = config.admission;
    const longest = reviewBudgetMs({
      query: '30s',
      limits: {
        defaultMs: a.defaultTimeoutMs,
        minMs: a.minTimeoutMs,
        maxMs: a.maxTimeoutMs,
        marginMs: a.deadlineMarginMs,
      },
    });
    t.ok(
      limits.idleTimeoutMs > longest,
      `${JSON.stringify(admission)}: socket idle timeout ${limits.idleTimeoutMs} ms > longest review ${longest} ms`,
    );
    t.ok(limits.idleTimeoutMs > a.maxTimeoutMs, 'and longer than the API server itself waits');
    t.ok(limits.requestTimeoutMs >= limits.headersTimeoutMs, 'Node needs requestTimeout ≥ headersTimeout');
  }
});

t.test(
  'a review that decides after the old 1.5 s socket cut still gets its AdmissionReview (issue 8 break 3)',
  async (t) => {
    // Old layout: one requestTimeoutMs (here it would be 1.5 s) was also the socket idle timeout,
    // so a decision slower than it got a hang-up. Each review here takes 2 s of a 2.5 s budget.
    const { decider } = recordingDecider({ delayMs: 2_000 });
    const fast = fakePinner();
    const pinner: Pinner = {
      pin: async (args) => {
        await new Promise((r) => setTimeout(r, 2_000));
        return fast.pin(args);
      },
    };
    const srv = await startTestServer({
      decider,
      pinner,
      config: {
        server: { headersTimeoutMs: 1_000, keepAliveTimeoutMs: 1_000 },
        admission: { maxTimeoutMs: 3_000, defaultTimeoutMs: 3_000 },
      },
    });
    t.teardown(() => srv.close());
    const [v, m] = await Promise.all([
      srv.post('/validate?timeout=3s', review(podCase)),
      srv.post('/mutate?timeout=3s', review(podCase)),
    ]);
    t.match(reviewResponse(v.json), { allowed: true }, '/validate answered after 2 s');
    t.ok(decodePatch(reviewResponse(m.json)).length > 0, '/mutate answered with its patch after 2 s');
    // The same kept-alive connections again: Node's keep-alive handling resets socket timeouts on reuse.
    const again = await srv.post('/validate?timeout=3s', review(podCase));
    t.match(
      reviewResponse(again.json),
      { allowed: true },
      'a second slow review on a reused connection is answered too',
    );
  },
);

t.test('idle connections are closed in every phase (issue 8 break 5)', async (t) => {
  const srv = await startTestServer({
    decider: recordingDecider().decider,
    config: { server: { headersTimeoutMs: 500, keepAliveTimeoutMs: 500, tls: { handshakeTimeoutMs: 500 } } },
  });
  t.teardown(() => srv.close());

  const tcp = netConnect({ host: '127.0.0.1', port: srv.running.port });
  await new Promise((r) => tcp.once('connect', r));
  const never = await closedWithin(tcp, 10_000);
  t.ok(
    never.closed,
    `a TCP client that never handshakes is dropped (after ${Math.round(never.afterMs)} ms; Node's default is 120 s)`,
  );

  // A ClientHello dripped a byte at a time: activity never stops, the handshake never ends.
  const drip = netConnect({ host: '127.0.0.1', port: srv.running.port });
  await new Promise((r) => drip.once('connect', r));
  const hello = Buffer.from([
    0x16,
    0x03,
    0x01,
    0x02,
    0x00,
    0x01,
    0x00,
    0x01,
    0xfc,
    0x03,
    0x03,
    ...Array.from({ length: 200 }, () => 0),
  ]);
  let sent = 0;
  const dripper = setInterval(() => {
    if (!drip.destroyed && sent < hello.length) drip.write(hello.subarray(sent, ++sent));
  }, 50);
  const dripped = await closedWithin(drip, 10_000);
  clearInterval(dripper);
  t.ok(
    dripped.closed,
    `a handshake dripped byte by byte is dropped (after ${Math.round(dripped.afterMs)} ms, ${sent} bytes sent)`,
  );

  const silent = await rawConnect({ port: srv.running.port, ca: srv.ca });
  const quiet = await closedWithin(silent, 10_000);
  t.ok(
    quiet.closed,
    `a handshaken client that sends nothing is dropped by the headers timeout (after ${Math.round(quiet.afterMs)} ms)`,
  );

  const idle = await rawConnect({ port: srv.running.port, ca: srv.ca });
  const answered = new Promise<string>((resolve) => idle.once('data', (d: Buffer) => resolve(d.toString('utf8'))));
  idle.write(requestText(JSON.stringify(review(podCase)), 'keep-alive'));
  t.match(await answered, /^HTTP\/1\.1 200/, 'a keep-alive request is answered');
  const kept = await closedWithin(idle, 10_000);
  t.ok(kept.closed, `the idle keep-alive connection is then closed (after ${Math.round(kept.afterMs)} ms)`);

  for (let i = 0; i < 100 && (await openConnections(srv)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(await openConnections(srv), 0, 'the server holds no descriptor for any of them');
});

t.test('connections beyond server.maxConnections are refused; open ones keep working (issue 8 break 5)', async (t) => {
  const srv = await startTestServer({ decider: recordingDecider().decider, config: { server: { maxConnections: 3 } } });
  t.teardown(() => srv.close());
  const held = await Promise.all([0, 1, 2].map(() => rawConnect({ port: srv.running.port, ca: srv.ca })));
  t.teardown(() => held.forEach((s) => s.destroy()));

  const refused = await new Promise<string>((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port: srv.running.port, ca: srv.ca, servername: 'localhost' }, () => {
      s.destroy();
      resolve('handshaken');
    });
    s.once('error', (err: Error) => resolve(`refused: ${err.message}`));
    s.once('close', () => resolve('refused: closed'));
  });
  t.match(refused, /^refused/, `the fourth connection is closed on accept (${refused})`);
  const metrics = await srv.running.app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /imagegate_connections_dropped_total 1\b/, 'and counted');

  const [first, ...rest] = held;
  if (first === undefined) throw new Error('no connection held');
  first.write(requestText(JSON.stringify(review(podCase)), 'close'));
  const res = await readUntilClose(first, 10_000);
  t.match(res.text, /^HTTP\/1\.1 200[\s\S]*"allowed":true/, 'an open connection still gets its AdmissionReview');

  rest.forEach((s) => s.destroy());
  for (let i = 0; i < 100 && (await openConnections(srv)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  const after = await srv.post('/validate', review(podCase));
  t.equal(after.status, 200, 'once connections close, new ones are accepted again');
});

t.test('the descriptor check reads the soft open-files limit and counts what the server needs', async (t) => {
  const text =
    'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            300                  4096                 files     \n';
  t.equal(openFilesLimit({ procLimits: text }), 300);
  t.equal(openFilesLimit({ procLimits: text.replace('300 ', 'unlimited ') }), Number.POSITIVE_INFINITY);
  t.equal(openFilesLimit({ procLimits: 'nothing here' }), undefined);
  const config = validateConfig({
    value: {
      server: { maxConnections: 280 },
      registries: { hosts: [{ host: 'a.example.com' }, { host: 'b.example.com', maxConcurrency: 4 }] },
    },
    source: 'test',
  });
  t.equal(
    descriptorsNeeded({ config }),
    280 + 8 + 4 + 64,
    "the issue's 280 idle sockets plus registries do not fit a 300 limit",
  );
});

const fdLimit = openFilesLimit();
const fdSkip =
  fdLimit === undefined || fdLimit >= 1_000_000
    ? `open-files limit ${String(fdLimit)} is above the schema's largest maxConnections`
    : false;
t.test('start-up warns when the open-files limit cannot hold server.maxConnections', { skip: fdSkip }, async (t) => {
  const limit = fdLimit ?? 0;
  const srv = await startTestServer({
    decider: recordingDecider().decider,
    config: { server: { maxConnections: 1_000_000 } },
  });
  t.teardown(() => srv.close());
  const warning = srv.logs
    .map((l): unknown => JSON.parse(l))
    .find((l) => typeof l === 'object' && l !== null && 'event' in l && l.event === 'server.descriptors_short');
  t.match(warning, {
    level: 40,
    openFilesLimit: limit,
    needed: 1_000_064,
    msg: /server\.maxConnections \(1000000\).*ulimit -n/,
  });
  const quiet = await startTestServer({
    decider: recordingDecider().decider,
    config: { server: { maxConnections: Math.max(1, limit - 100) } },
  });
  t.teardown(() => quiet.close());
  t.notMatch(quiet.logs.join('\n'), /descriptors_short/, 'no warning when the cap fits');
});

t.test('every request on a kept-alive connection runs under the socket idle timeout', async (t) => {
  const srv = await startTestServer({
    decider: recordingDecider().decider,
    config: { server: { headersTimeoutMs: 1_000 }, admission: { maxTimeoutMs: 3_000, defaultTimeoutMs: 3_000 } },
  });
  t.teardown(() => srv.close());
  const seen: (number | undefined)[] = [];
  const sockets = new Set<unknown>();
  srv.running.app.server.on('request', (req: import('node:http').IncomingMessage) => {
    seen.push(req.socket.timeout);
    sockets.add(req.socket);
  });
  const socket = await rawConnect({ port: srv.running.port, ca: srv.ca });
  t.teardown(() => socket.destroy());
  for (let i = 0; i < 3; i++) {
    const answered = new Promise<string>((resolve) => {
      let text = '';
      const onData = (d: Buffer): void => {
        text += d.toString('utf8');
        if (!text.includes('"allowed"')) return;
        socket.off('data', onData);
        resolve(text);
      };
      socket.on('data', onData);
    });
    socket.write(requestText(JSON.stringify(review(podCase)), 'keep-alive'));
    t.match(await answered, /^HTTP\/1\.1 200/, `request ${i + 1} answered`);
  }
  t.equal(sockets.size, 1, 'one connection, reused');
  // Between requests the socket runs under keepAliveTimeoutMs; the next request must bring the
  // idle timeout back, or a client that stops reading its reply would hold the socket forever.
  t.same(seen, [4_000, 4_000, 4_000], 'maxTimeoutMs + 1 s on the first request and on every reuse');
});
