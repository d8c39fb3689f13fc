/**
 * What checking signatures costs per pod: against a fake OCI 1.1 registry delaying every response
 * by DELAY_MS, it times one bare manifest GET (the baseline round trip), the signatures fact of 1
 * image, of a pod of 3 signed images (concurrently), and the same 3 again from the fact cache.
 * Discovery reads the `.sig` tag, the `.att` tag and the referrers API at once (one round trip),
 * then the payload blobs at once (a second): ≈2 round trips whatever the number of images; a
 * cache hit sends no request. Prints medians, ratios and request counts. No assertions.
 */
import { pathToFileURL } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent } from 'undici';
import { createRegistryPinner } from '../src/registry/index.js';
import { createFactGatherer } from '../src/facts/internal.js';
import { createSignatureSource } from '../src/signatures/index.js';
import { parseImageReference } from '../src/images/internal.js';
import { validateConfig } from '../src/config/internal.js';
import { buildImage } from '../test/fixtures/registry/index.js';
import { fakeAgent, startFake } from '../test/registry/fakes.js';
import { cosignTag, signatureLayer, signatureManifest, testSigner } from '../test/fixtures/signatures/cosign.js';

import { timed } from './harness.js';
import { median } from './load/stats.js';

const DELAY_MS = 50;
const ROUNDS = 15;

const EMPTY_INDEX = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }),
);

export async function runSignaturesBench(): Promise<void> {
  const signer = testSigner('p256');
  const served = new Map<string, { readonly type: string; readonly bytes: Buffer }>();
  const names = ['app', 'web', 'log'];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    setTimeout(() => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const hit =
        served.get(path) ??
        (path.includes('/referrers/')
          ? { type: 'application/vnd.oci.image.index.v1+json', bytes: EMPTY_INDEX }
          : undefined);
      if (hit === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': hit.type, 'content-length': String(hit.bytes.length) });
      res.end(hit.bytes);
    }, DELAY_MS);
  };
  const fake = await startFake(handler);
  const images = names.map((n) => {
    const built = buildImage({ content: `bench ${n}` });
    const digest = built.manifest.digest;
    const sig = signatureManifest([
      signatureLayer({ signer, repository: `${fake.host}/team/${n}`, digest, rekor: null }),
    ]);
    served.set(`/v2/team/${n}/manifests/${cosignTag(digest, '.sig')}`, {
      type: sig.manifest.mediaType,
      bytes: sig.manifest.bytes,
    });
    for (const b of sig.blobs) served.set(`/v2/team/${n}/blobs/${b.digest}`, { type: b.mediaType, bytes: b.bytes });
    return parseImageReference(`${fake.host}/team/${n}@${digest}`);
  });
  served.set('/v2/team/app/manifests/1', { type: 'application/vnd.oci.image.manifest.v1+json', bytes: EMPTY_INDEX });
  const agent: Agent = fakeAgent();
  const config = validateConfig({
    value: {
      // 3 images × 3 discovery requests at once: above the default of 8 one would wait a round trip.
      registries: { hosts: [{ host: fake.host, maxConcurrency: 16 }] },
      signatures: {
        policies: [
          {
            repositories: [`${fake.host}/team`],
            tlog: 'ignore',
            authorities: [{ name: 'ci', key: { pem: signer.files.publicPem } }],
          },
        ],
      },
    },
    source: 'bench',
  });
  const pinner = createRegistryPinner({ registries: config.registries, dispatcher: agent });
  const source = createSignatureSource({ config: config.signatures, artifacts: pinner.resolver.artifacts });
  // Cold: a new gatherer (empty fact cache) per measurement; warm: one kept.
  const cold = () => createFactGatherer({ registry: pinner, sources: [source] });
  const judge = async (gatherer: ReturnType<typeof cold>, refs: typeof images) => {
    const facts = await gatherer.gather({ images: refs, signal: AbortSignal.timeout(10_000) });
    for (const f of facts) {
      const v = f.facts.signatures;
      if (typeof v !== 'object' || v === null || !('satisfied' in v) || v.satisfied !== true)
        throw new Error(`bench: not satisfied: ${JSON.stringify(v)}`);
    }
  };
  const roundTrip = async (): Promise<void> => {
    const res = await agent.request({
      origin: `https://${fake.host}`,
      path: '/v2/team/app/manifests/1',
      method: 'GET',
    });
    await res.body.arrayBuffer();
  };
  try {
    await judge(cold(), images); // warm up connections
    const first = images.slice(0, 1);
    const trip: number[] = [];
    const t1: number[] = [];
    const t3: number[] = [];
    const hit: number[] = [];
    let coldRequests = 0;
    let hitRequests = 0;
    for (let i = 0; i < ROUNDS; i++) {
      trip.push(await timed(roundTrip));
      t1.push(await timed(() => judge(cold(), first)));
      const warm = cold();
      const before = fake.requests.length;
      t3.push(await timed(() => judge(warm, images)));
      const mid = fake.requests.length;
      hit.push(await timed(() => judge(warm, images)));
      coldRequests = mid - before;
      hitRequests = fake.requests.length - mid;
    }
    const mt = median(trip);
    const m1 = median(t1);
    const m3 = median(t3);
    const mh = median(hit);
    console.log(
      `signatures fact, fake OCI 1.1 registry delaying each response ${DELAY_MS} ms, median of ${ROUNDS} rounds:`,
    );
    console.log(`  one round trip (manifest GET)     ${mt.toFixed(1)} ms`);
    console.log(`  1 signed image                    ${m1.toFixed(1)} ms  (${(m1 / mt).toFixed(2)} round trips)`);
    console.log(
      `  pod of 3 signed images            ${m3.toFixed(1)} ms  (${(m3 / mt).toFixed(2)} round trips, ${coldRequests} requests)`,
    );
    console.log(
      `  same pod again (fact cache hit)   ${mh.toFixed(2)} ms  (${(mh / mt).toFixed(3)} round trips, ${hitRequests} requests)`,
    );
    console.log(`  ratio 3 images / 1 image          ${(m3 / m1).toFixed(2)}`);
  } finally {
    await pinner.close();
    await agent.close();
    await fake.close();
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await runSignaturesBench();
