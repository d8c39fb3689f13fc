/**
 * Everything the load benchmark runs against, started in one place and stopped in reverse:
 * the real test registry with the benchmark's images, a fake registry that answers any tag at
 * once (only for filling imagegate's caches to their bounds), imagegate from dist/ as
 * `imagegate serve` runs it, the bare route (sharing imagegate's certificate, so the TLS work
 * is the same), and the load driver.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificates } from '../../src/certs/internal.js';
import { MANIFEST_ACCEPT } from '../../src/registry/manifest.js';
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRegistry,
  type TestRegistry,
} from '../../test/fixtures/registry/index.js';
import { fakeCerts, goodImage, serveManifest, startFake, type Fake } from '../../test/registry/fakes.js';
import { Driver, startBareRoute, startImagegate, type ServerProcess } from './processes.js';
import { pushDistinct, REGISTRY_AUTHORIZATION, type Pushed } from './registry.js';

/** Tags per repository of case (b): 40³ = 64,000 combinations before one repeats. */
export const WARM_TAGS = 40;

export interface Images {
  /** Case (a): the app, proxy and init container images, always the same. */
  readonly fixed: readonly [string, string, string];
  /** Case (b): per container, WARM_TAGS images (distinct digests). */
  readonly warm: readonly [readonly string[], readonly string[], readonly string[]];
  /** Case (c): sets of three images never asked for before, one set per cold review. */
  readonly cold: readonly (readonly [string, string, string])[];
}

export interface Bench {
  readonly dir: string;
  readonly registry: TestRegistry;
  /** Answers every manifest of repository `fill/*` with one image, and 404 for `missing/*`. */
  readonly filler: Fake;
  readonly images: Images;
  readonly imagegate: ServerProcess;
  readonly bare: ServerProcess;
  readonly driver: Driver;
  readonly logFile: string;
  close(): Promise<void>;
}

const CONTAINERS = ['app', 'proxy', 'migrate'] as const;

function triple(list: readonly string[], at: number): [string, string, string] {
  const [a, b, c] = [list[at], list[at + 1], list[at + 2]];
  if (a === undefined || b === undefined || c === undefined) throw new Error(`no images at ${at}`);
  return [a, b, c];
}

async function pushImages(registry: TestRegistry, coldSets: number): Promise<Images> {
  const fixed = triple(
    await pushDistinct(
      registry,
      CONTAINERS.map((c) => ({ repo: `team/${c}`, tag: 'stable' })),
    ),
    0,
  );
  const warmSpecs = CONTAINERS.map((c) =>
    Array.from({ length: WARM_TAGS }, (_, i): Pushed => ({ repo: `team/${c}`, tag: `warm-${i}` })),
  );
  const [w0, w1, w2] = await Promise.all(warmSpecs.map((specs) => pushDistinct(registry, specs)));
  if (w0 === undefined || w1 === undefined || w2 === undefined) throw new Error('warm images not pushed');
  const coldSpecs = Array.from({ length: coldSets }, (_, r) =>
    CONTAINERS.map((c): Pushed => ({ repo: `team/${c}`, tag: `cold-${r}` })),
  ).flat();
  const cold = await pushDistinct(registry, coldSpecs);
  return {
    fixed,
    warm: [w0, w1, w2],
    cold: Array.from({ length: coldSets }, (_, r) => triple(cold, r * 3)),
  };
}

/** Serves the fill registry: every `fill/*` tag is one image, every `missing/*` tag is unknown. */
function startFiller(): Promise<Fake> {
  return startFake((req, res) => {
    if (req.url?.startsWith('/v2/fill/') === true) return serveManifest(res, req, goodImage);
    res.writeHead(req.url === '/v2/' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.method === 'HEAD' ? undefined : '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
  });
}

function imagegateConfig(dir: string, registry: TestRegistry, filler: Fake): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: 0, tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') } },
    registries: {
      hosts: [
        {
          host: registry.host,
          caFile: registry.caFile,
          credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
        },
        { host: filler.host, caFile: join(dir, 'filler-ca.crt') },
      ],
    },
    policy: { data: { imagegate: { config: { trusted_registries: [registry.host, filler.host] } } } },
  };
}

export async function setUp(opts: {
  readonly coldSets: number;
  /** Run both servers under `node --cpu-prof`, writing to PROFILE_DIR/imagegate and PROFILE_DIR/bare. */
  readonly profileDir?: string;
}): Promise<Bench> {
  const profiled = (name: string): string[] =>
    opts.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(opts.profileDir, name)}`];
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-load-'));
  const registry = await startRegistry();
  const filler = await startFiller();
  const images = await pushImages(registry, opts.coldSets);
  const certs = generateCertificates({
    service: 'imagegate',
    namespace: 'bench',
    ipAddresses: ['127.0.0.1'],
    extraDnsNames: ['localhost'],
  });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const configFile = join(dir, 'imagegate.json');
  await Promise.all([
    writeFile(certFile, certs.certPem),
    writeFile(keyFile, certs.keyPem, { mode: 0o600 }),
    writeFile(join(dir, 'filler-ca.crt'), fakeCerts().caCertPem),
    writeFile(configFile, JSON.stringify(imagegateConfig(dir, registry, filler))),
  ]);
  const logFile = join(dir, 'imagegate.log');
  // IMAGEGATE_BENCH_NODE_FLAGS: extra node flags for imagegate alone (e.g. --max-semi-space-size=4).
  const extra = (process.env.IMAGEGATE_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const imagegate = await startImagegate({ configFile, logFile, nodeFlags: [...profiled('imagegate'), ...extra] });
  const bare = await startBareRoute({ certFile, keyFile, nodeFlags: profiled('bare') });
  const driver = await Driver.start({
    imagegate: { origin: `https://127.0.0.1:${imagegate.port}`, ca: certs.caCertPem, headers: {} },
    bare: { origin: `https://127.0.0.1:${bare.port}`, ca: certs.caCertPem, headers: {} },
    registry: {
      origin: `https://${registry.host}`,
      ca: registry.caPem,
      headers: { authorization: REGISTRY_AUTHORIZATION, accept: MANIFEST_ACCEPT },
    },
  });
  let closing: Promise<void> | undefined;
  return {
    dir,
    registry,
    filler,
    images,
    imagegate,
    bare,
    driver,
    logFile,
    close() {
      closing ??= (async () => {
        await driver.stop();
        await Promise.all([imagegate.stop(), bare.stop()]);
        await Promise.all([registry.close(), filler.close()]);
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
