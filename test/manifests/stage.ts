/**
 * Runs imagegate as the rendered manifests would in a pod: the config file and policy bundle
 * taken from the rendered ConfigMaps through the Deployment's own args, mounts and volumes,
 * the TLS pair `imagegate certs` wrote (the Secret's content), and a client that verifies the
 * server with the rendered caBundle and the Service's DNS name, as the API server does.
 */
import { mkdir, mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Agent, request } from 'undici';
import type { Config } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/internal.js';
import { createLogger } from '../../src/log/index.js';
import { loadDecider, policyOf } from '../../src/policy/index.js';
import { startServer } from '../../src/server/index.js';
import { at, listAt, objAt, one, type K8sObject } from './objects.js';
import { container, deploymentOf } from './safety.js';

/** One file the Deployment sees, traced from its mount to the object that provides it. */
export interface MountedFile {
  readonly path: string;
  readonly volume: K8sObject;
  /** The ConfigMap or Secret named by the volume (undefined for a Secret not in the manifests). */
  readonly source?: K8sObject;
  /** The file's bytes when the manifests hold them (ConfigMap data or binaryData). */
  readonly bytes?: Buffer;
}

/** What the pod would find at `path`: the volume mounted at its directory, and that key's bytes. */
export function mountedFile(objects: readonly K8sObject[], path: string): MountedFile {
  const pod = objAt(deploymentOf(objects), 'spec', 'template', 'spec');
  const mount = listAt(container(objects), 'volumeMounts').find((m) => at(m, 'mountPath') === dirname(path));
  if (mount === undefined) throw new Error(`no volume is mounted at ${dirname(path)} (for ${path})`);
  const volume = objAt(listAt(pod, 'volumes').find((v) => at(v, 'name') === at(mount, 'name')));
  const configMap = at(volume, 'configMap', 'name');
  if (typeof configMap !== 'string') {
    return { path, volume };
  }
  const source = one(objects, 'ConfigMap', configMap);
  const key = basename(path);
  const text = at(source, 'data', key);
  const binary = at(source, 'binaryData', key);
  const bytes =
    typeof text === 'string'
      ? Buffer.from(text, 'utf8')
      : typeof binary === 'string'
        ? Buffer.from(binary, 'base64')
        : undefined;
  return { path, volume, source, ...(bytes === undefined ? {} : { bytes }) };
}

/** The `--config FILE` of the container's args. */
export function configPath(objects: readonly K8sObject[]): string {
  const args = listAt(container(objects), 'args').map(String);
  const i = args.indexOf('--config');
  const path = args[i + 1];
  if (args[0] !== 'serve' || i === -1 || path === undefined)
    throw new Error(`args are not serve --config FILE: ${args.join(' ')}`);
  return path;
}

/** The config file as the pod reads it, validated by imagegate's own loader. */
export function renderedConfig(objects: readonly K8sObject[]): Config {
  const file = mountedFile(objects, configPath(objects));
  if (file.bytes === undefined) throw new Error(`${file.path} is not in a ConfigMap of the manifests`);
  return parseConfig({ text: file.bytes.toString('utf8'), source: file.path });
}

export interface StagedWebhook {
  /** POSTs an AdmissionReview as the API server would; resolves to the parsed answer. */
  review(path: '/validate' | '/mutate', body: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

/**
 * Starts the real server from the rendered objects, with the TLS pair in `certsDir` in place of
 * the Secret, and a client trusting only `caBundle` (base64 PEM) for host imagegate.imagegate.svc.
 */
export async function stageWebhook(opts: {
  readonly objects: readonly K8sObject[];
  readonly certsDir: string;
  readonly caBundle: string;
}): Promise<StagedWebhook> {
  const config = renderedConfig(opts.objects);
  const root = await mkdtemp(join(tmpdir(), 'imagegate-pod-'));
  const place = async (path: string | undefined, from: { bytes?: Buffer; file?: string }): Promise<string> => {
    if (path === undefined) throw new Error('the rendered config leaves a file unset');
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (from.bytes !== undefined) await writeFile(target, from.bytes);
    else if (from.file !== undefined) await copyFile(from.file, target);
    return target;
  };
  const bundlePath = config.policy.bundle;
  const bundle = mountedFile(opts.objects, bundlePath ?? '');
  const tls = config.server.tls;
  const staged: Config = {
    ...config,
    server: {
      ...config.server,
      host: '127.0.0.1',
      port: 0,
      tls: {
        ...tls,
        certFile: await place(tls.certFile, { file: join(opts.certsDir, 'tls.crt') }),
        keyFile: await place(tls.keyFile, { file: join(opts.certsDir, 'tls.key') }),
      },
    },
    // One evaluator thread: the same decisions, and a loaded test machine starts it sooner.
    policy: {
      ...config.policy,
      evaluators: 1,
      bundle: await place(bundlePath, bundle.bytes === undefined ? {} : { bytes: bundle.bytes }),
    },
  };
  // As `imagegate serve` loads it: the data the config implies (the trusted list) under policy.data.
  const decider = await loadDecider({ policy: policyOf(staged) });
  const running = await startServer({ config: staged, logger: createLogger({ level: 'silent' }), decider });
  const ca = Buffer.from(opts.caBundle, 'base64').toString('utf8');
  const agent = new Agent({ connect: { ca, servername: 'imagegate.imagegate.svc' } });
  return {
    async review(path, body) {
      const res = await request(`https://127.0.0.1:${running.port}${path}?timeout=5s`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json: unknown = await res.body.json();
      return { status: res.statusCode, json };
    },
    async close() {
      await agent.close();
      await running.close();
      await decider.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The caBundle of every webhook, in rendered order. */
export function caBundles(objects: readonly K8sObject[]): unknown[] {
  return objects
    .filter((o) => String(o.kind).endsWith('WebhookConfiguration'))
    .flatMap((o) => listAt(o, 'webhooks').map((w) => at(w, 'clientConfig', 'caBundle')));
}
