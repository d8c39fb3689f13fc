import { foldRegistryHost, tryParseImageReference, type ImageRef } from '../images/index.js';
import { foldRepositoryPrefix, isUnder, type RegistryMirrorConfig } from '../config/index.js';

/**
 * Where /mutate moves an image: for an image under a `registries.mirrors` entry with
 * `rewrite: true`, the same image at the mirror (`to` + the rest of its path, its tag and digest
 * as written), e.g. docker.io/library/nginx:1.27 → mirror.example.com/hub/nginx:1.27. The
 * longest covering `from` decides, as in the resolver and the mirrors rule, so a longer entry
 * without `rewrite` keeps its images where they are. Undefined when nothing is rewritten.
 */
export function mirrorRewrite(opts: {
  readonly ref: ImageRef;
  readonly mirrors: readonly RegistryMirrorConfig[];
}): ImageRef | undefined {
  const { ref } = opts;
  const repository = `${foldRegistryHost(ref.domain)}/${ref.path}`;
  let best: { readonly from: string; readonly mirror: RegistryMirrorConfig } | undefined;
  for (const mirror of opts.mirrors) {
    const from = foldRepositoryPrefix(mirror.from);
    if (isUnder(repository, from) && (best === undefined || from.length > best.from.length)) best = { from, mirror };
  }
  if (best?.mirror.rewrite !== true) return undefined;
  const rest = repository.slice(best.from.length);
  const suffix = (ref.tag === undefined ? '' : `:${ref.tag}`) + (ref.digest === undefined ? '' : `@${ref.digest}`);
  // `to` and the path both passed the reference grammar, so this parses; a failure leaves the image alone.
  const target = tryParseImageReference(`${foldRepositoryPrefix(best.mirror.to)}${rest}${suffix}`);
  return target.ok ? target.ref : undefined;
}
