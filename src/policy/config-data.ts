import { foldRepositoryPrefix, trustedRepositories, type Config, type PolicyConfig } from '../config/index.js';
import { overlay } from './overlay.js';

/**
 * The policy data imagegate's config implies, with `policy.data` laid over it (it wins):
 * `data.imagegate.config` = `{trusted_registries, mirrors: [{from, to, rewrite}],
 * tags: {require_digest}, health, signatures}`. `trusted_registries` is trustedRepositories(config),
 * the very list the pinner contacts; `health.enabled` is set when `health.sources` are
 * configured and `signatures.enabled` (with the repositories they cover) when
 * `signatures.policies` are. The bundle's own data lies under all of it (loadDecider).
 */
export function policyDataOf(config: Config): Readonly<Record<string, unknown>> {
  const patterns = [...new Set(config.signatures.policies.flatMap((p) => p.repositories))];
  const derived = {
    imagegate: {
      config: {
        trusted_registries: trustedRepositories(config),
        mirrors: config.registries.mirrors.map((m) => ({
          from: foldRepositoryPrefix(m.from),
          to: foldRepositoryPrefix(m.to),
          rewrite: m.rewrite,
        })),
        tags: { require_digest: config.tags.requireDigest },
        health: config.health.sources.length > 0 ? { enabled: true } : {},
        // The rule denies an unchecked image (no digest, registry down) only where a policy needs signatures.
        signatures: patterns.length > 0 ? { enabled: true, repositories: patterns } : {},
      },
    },
  };
  return config.policy.data === undefined ? derived : overlay(derived, config.policy.data);
}

/** `policy` as the decider is loaded with: its data is policyDataOf(config). */
export function policyOf(config: Config): PolicyConfig {
  return { ...config.policy, data: policyDataOf(config) };
}
