/**
 * buildServeParts keeps the decider of the previous generation when the data the config implies
 * for the policy (policyDataOf) and the bundle are unchanged, and builds a new one when either
 * changes: a config reload that touches registries.hosts changes the trusted list the policy sees.
 */
import t from 'tap';
import { validateConfig } from '../../src/config/internal.js';
import { buildServeParts, createPartLedger, type ServeParts } from '../../src/cli/serve-parts.js';
import { createMetrics } from '../../src/server/index.js';
import { memoryLog } from '../fixtures/server.js';

const { logger } = memoryLog();
const metrics = createMetrics();
const ledger = createPartLedger();
t.teardown(async () => {
  for (const p of generations) await ledger.release(p);
});
const generations: ServeParts[] = [];

async function build(value: Record<string, unknown>, previous?: ServeParts): Promise<ServeParts> {
  const config = validateConfig({ value: { policy: { evaluators: 1 }, ...value }, source: 'test' });
  const parts = await buildServeParts({
    config,
    configHash: JSON.stringify(value),
    policyHash: '',
    logger,
    metrics,
    ...(previous === undefined ? {} : { previous }),
  });
  ledger.retain(parts);
  generations.push(parts);
  return parts;
}

t.test('the decider is rebuilt exactly when the derived policy data changes', async (t) => {
  const hosts = [{ host: 'ghcr.io', repositories: ['acme'] }];
  const first = await build({ registries: { hosts } });
  const sameData = await build({ registries: { hosts, cacheTtlMs: 1000 }, admission: { maxImages: 10 } }, first);
  t.equal(sameData.decider, first.decider, 'registry cache and admission keys leave the policy data alone');
  t.not(sameData.pinner, first.pinner, 'the pinner is rebuilt for its own keys');
  const moreTrusted = await build({ registries: { hosts: [...hosts, { host: 'quay.io' }] } }, sameData);
  t.not(moreTrusted.decider, sameData.decider, 'a new host is a new trusted list: a new decider');
  const strict = await build(
    { registries: { hosts: [...hosts, { host: 'quay.io' }] }, tags: { requireDigest: true } },
    moreTrusted,
  );
  t.not(strict.decider, moreTrusted.decider, 'tags.requireDigest is policy data');
  const overridden = await build(
    {
      registries: { hosts: [...hosts, { host: 'quay.io' }] },
      tags: { requireDigest: true },
      policy: { evaluators: 1, data: { imagegate: { config: { trusted_registries: ['ghcr.io/acme', 'quay.io'] } } } },
    },
    strict,
  );
  t.equal(overridden.decider, strict.decider, 'policy.data restating the derived list changes nothing');
});
