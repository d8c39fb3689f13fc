/**
 * Resolving a pod's images costs about one registry round trip: against a fake registry that
 * delays every response by DELAY_MS, it times one bare manifest GET by the same client (the
 * baseline), 1 image, 3 images on 3 tags resolved by the pinner (concurrently), and the same 3
 * one after another for contrast. Prints medians and the ratios 1-image / round trip (≈1.0
 * expected: one GET per cold tag) and 3-images / 1-image (≈1.0–1.3 expected, not 3).
 * No assertions: figures only.
 */
import { pathToFileURL } from 'node:url';
import type { Agent } from 'undici';
import { createRegistryPinner } from '../src/registry/index.js';
import type { RegistryPinner } from '../src/registry/internal.js';
import type { ImageRef } from '../src/images/index.js';
import { parseImageReference } from '../src/images/internal.js';
import { validateConfig } from '../src/config/internal.js';
import { fakeAgent, goodImage, serveManifest, startFake } from '../test/registry/fakes.js';

import { timed } from './harness.js';
import { median } from './load/stats.js';

const DELAY_MS = 50;
const ROUNDS = 15;

/** One manifest GET by tag, body read: the registry round trip a lookup is compared with. */
async function roundTrip(agent: Agent, host: string): Promise<void> {
  const res = await agent.request({
    origin: `https://${host}`,
    path: '/v2/team/app/manifests/1',
    method: 'GET',
    headers: { accept: goodImage.manifest.mediaType },
  });
  await res.body.arrayBuffer();
  if (res.statusCode !== 200) throw new Error(`bench round trip: HTTP ${res.statusCode}`);
}

async function pinAll(pinner: RegistryPinner, images: readonly ImageRef[]): Promise<void> {
  const outs = await pinner.pin({ images, signal: AbortSignal.timeout(10_000) });
  const failed = outs.find((o) => o.kind === 'unresolved');
  if (failed !== undefined) throw new Error(`bench lookup failed: ${JSON.stringify(failed)}`);
}

export async function runRegistryBench(): Promise<void> {
  const fake = await startFake((req, res) => {
    setTimeout(() => serveManifest(res, req, goodImage), DELAY_MS);
  });
  const agent = fakeAgent();
  // No cache: every round performs real lookups (one GET by tag each).
  const registries = validateConfig({
    value: { registries: { hosts: [{ host: fake.host }], cacheTtlMs: 0, failureTtlMs: 0 } },
    source: 'bench',
  }).registries;
  const pinner = createRegistryPinner({ registries, dispatcher: agent });
  const one = [parseImageReference(`${fake.host}/team/app:1`)];
  const three = ['app:1', 'web:2', 'log:3'].map((s) => parseImageReference(`${fake.host}/team/${s}`));
  try {
    await pinAll(pinner, three); // warm up connections
    await roundTrip(agent, fake.host);
    const trip: number[] = [];
    const t1: number[] = [];
    const t3: number[] = [];
    const seq: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      trip.push(await timed(() => roundTrip(agent, fake.host)));
      t1.push(await timed(() => pinAll(pinner, one)));
      t3.push(await timed(() => pinAll(pinner, three)));
      seq.push(
        await timed(async () => {
          for (const image of three) await pinAll(pinner, [image]);
        }),
      );
    }
    const mt = median(trip);
    const m1 = median(t1);
    const m3 = median(t3);
    const ms = median(seq);
    console.log(
      `registry pinning, fake registry delaying each response ${DELAY_MS} ms, median of ${ROUNDS} rounds, no cache:`,
    );
    console.log(`  one round trip (manifest GET) ${mt.toFixed(1)} ms`);
    console.log(`  1 image                       ${m1.toFixed(1)} ms`);
    console.log(`  3 images on 3 tags (pinner)   ${m3.toFixed(1)} ms`);
    console.log(`  3 images one after another    ${ms.toFixed(1)} ms`);
    console.log(`  ratio 1 image / round trip    ${(m1 / mt).toFixed(2)}`);
    console.log(
      `  ratio 3 images / 1 image      ${(m3 / m1).toFixed(2)} (sequential would be ${(ms / m1).toFixed(2)})`,
    );
  } finally {
    await pinner.close();
    await agent.close();
    await fake.close();
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await runRegistryBench();
