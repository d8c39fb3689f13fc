import t from 'tap';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDeadline, untilAborted } from '../../src/admission/index.js';

t.test('the own limit aborts with a TimeoutError naming it, and detaches from the parent', async (t) => {
  const parent = new AbortController();
  const d = startDeadline({ ms: 20, parent: parent.signal, what: 'registries.hosts[].timeoutMs = 20 ms' });
  t.equal(getEventListeners(parent.signal, 'abort').length, 1);
  await sleep(60);
  t.ok(d.signal.aborted);
  t.ok(d.expired);
  t.match(d.signal.reason, { name: 'TimeoutError', message: 'deadline passed (registries.hosts[].timeoutMs = 20 ms)' });
  t.equal(
    getEventListeners(parent.signal, 'abort').length,
    0,
    'a long-lived review signal does not keep the finished lookup',
  );
  d.dispose();
});

t.test("the parent's abort ends it at once with the parent's reason; the own timer is cleared", async (t) => {
  const parent = new AbortController();
  const d = startDeadline({ ms: 30, parent: parent.signal });
  const reason = new Error('review over');
  parent.abort(reason);
  t.equal(d.signal.reason, reason);
  t.notOk(d.expired, 'the own limit did not pass');
  await sleep(60);
  t.notOk(d.expired, 'and its timer never fired afterwards');
});

t.test('an already aborted parent aborts it immediately', async (t) => {
  const d = startDeadline({ ms: 10_000, parent: AbortSignal.abort('gone') });
  t.ok(d.signal.aborted);
  t.equal(d.signal.reason, 'gone');
  d.dispose();
});

t.test('dispose: the timer never fires and the parent listener is removed', async (t) => {
  const parent = new AbortController();
  const d = startDeadline({ ms: 20, parent: parent.signal });
  d.dispose();
  d.dispose();
  t.equal(getEventListeners(parent.signal, 'abort').length, 0);
  await sleep(60);
  t.notOk(d.signal.aborted, 'a settled operation is never aborted later');
});

t.test('untilAborted: settles with the work, or with the abort reason as soon as the signal aborts', async (t) => {
  const c = new AbortController();
  t.equal(await untilAborted({ work: Promise.resolve(7), signal: c.signal }), 7);
  await t.rejects(untilAborted({ work: Promise.reject(new Error('boom')), signal: c.signal }), { message: 'boom' });
  t.equal(getEventListeners(c.signal, 'abort').length, 0, 'listeners are removed once the work settles');
  const never = new Promise<number>(() => undefined);
  const waiting = untilAborted({ work: never, signal: c.signal });
  c.abort(new Error('deadline'));
  await t.rejects(waiting, { message: 'deadline' });
  await t.rejects(
    untilAborted({ work: Promise.reject(new Error('late')), signal: c.signal }),
    { message: 'deadline' },
    'an aborted signal wins over the work',
  );
});
