import t from 'tap';
import { createRegistryPinner } from '../../src/registry/index.js';
import { UNTRUSTED_HOST_LABEL, type RegistryMetrics } from '../../src/registry/internal.js';
import { fakeAgent, goodImage, serveManifest, startFake } from './fakes.js';
import { longSignal, manualClock, ref, registriesConfig } from './helpers.js';

const agent = fakeAgent();
t.teardown(() => agent.close());

/** A metrics sink that records every call. */
function recordingSink(): RegistryMetrics & { readonly calls: [string, string, number][] } {
  const calls: [string, string, number][] = [];
  return { calls, lookup: (host, result, seconds) => void calls.push([host, result, seconds]) };
}

t.test('lookups are counted by registry host and result, with their duration in seconds', async (t) => {
  const clock = manualClock();
  const f = await startFake((req, res) => {
    // Each registry request "takes" 250 ms on the injected clock.
    clock.advance(250);
    if (req.url?.includes('/missing/') === true) {
      res.writeHead(404);
      return void res.end();
    }
    serveManifest(res, req, goodImage);
  });
  t.teardown(() => f.close());
  const sink = recordingSink();
  const p = createRegistryPinner({
    registries: registriesConfig({ hosts: [{ host: f.host }, { host: '169.254.169.254' }], failureTtlMs: 0 }),
    dispatcher: agent,
    clock,
    metrics: sink,
  });
  t.teardown(() => p.close());
  const pin = (image: string) => p.pin({ images: [ref(image)], signal: longSignal() });
  await pin(`${f.host}/team/app:1`);
  await pin(`${f.host}/team/app:1`);
  await pin(`${f.host}/team/missing:1`);
  await pin(`attacker-${Math.random()}.example/app:1`);
  await pin('169.254.169.254/app:1');
  await pin(`${f.host}/team/app@sha256:${'a'.repeat(64)}`);
  t.same(
    sink.calls,
    [
      [f.host, 'resolved', 0.25],
      [f.host, 'cached', 0],
      [f.host, 'IMAGEGATE_REGISTRY_NOT_FOUND', 0.25],
      [UNTRUSTED_HOST_LABEL, 'IMAGEGATE_REGISTRY_UNTRUSTED', 0],
      ['169.254.169.254', 'IMAGEGATE_REGISTRY_ADDRESS_BLOCKED', 0],
    ],
    'a cold tag is one request long; untrusted hosts share one label; a digest-pinned image is no lookup',
  );
});
