/**
 * The load benchmark's images on the real test registry (test/fixtures/registry: Debian's
 * docker-registry with TLS and htpasswd auth): distinct images under their own tags, pushed
 * a few at a time, and many tags of one image for filling imagegate's caches.
 */
import { request } from 'undici';
import {
  buildImage,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  type BuiltImage,
  type TestRegistry,
} from '../../test/fixtures/registry/index.js';

/** `Authorization` for the registry's htpasswd user (what imagegate's config gives it). */
export const REGISTRY_AUTHORIZATION = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;

/** Runs `work` over `items`, `concurrency` at a time. */
async function each<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/** An image reference on the registry: `repo:tag`, its content unique to it (so its digest is too). */
export interface Pushed {
  readonly repo: string;
  readonly tag: string;
}

/** Pushes one distinct image per entry; resolves with `host/repo:tag` of each, in order. */
export async function pushDistinct(registry: TestRegistry, images: readonly Pushed[]): Promise<string[]> {
  await each(images, 4, (p) => registry.push(p.repo, p.tag, buildImage({ content: `${p.repo}:${p.tag}` })));
  return images.map((p) => `${registry.host}/${p.repo}:${p.tag}`);
}

/**
 * Points `tags` at one image (pushed once, then one manifest PUT per tag): many tags cheaply,
 * each resolved separately by imagegate (its cache is keyed by tag).
 */
export async function pushTags(registry: TestRegistry, repo: string, tags: readonly string[]): Promise<void> {
  const image: BuiltImage = buildImage({ content: `${repo} filler` });
  const first = tags[0];
  if (first === undefined) return;
  await registry.push(repo, first, image);
  await each(tags.slice(1), 16, async (tag) => {
    const res = await request(`https://${registry.host}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      dispatcher: registry.agent,
      headers: { authorization: REGISTRY_AUTHORIZATION, 'content-type': image.manifest.mediaType },
      body: image.manifest.bytes,
    });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`PUT ${repo}:${tag}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  });
}
