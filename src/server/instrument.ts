import { performance } from 'node:perf_hooks';
import type { Decider, Verdict } from '../admission/index.js';
import type { Metrics } from './metrics.js';

/**
 * Rule names are the policy's strings: a policy that puts an image or a user into its rule name
 * would make one time series per review. Past this many distinct names, or beyond
 * MAX_RULE_LENGTH characters, a rule is counted as "(other)".
 */
export const MAX_RULE_LABELS = 100;
export const MAX_RULE_LENGTH = 63;
export const OTHER_RULE = '(other)';

/**
 * The decider with its decisions counted by verdict and denying rule and timed. Per decision it
 * costs one clock read pair, a histogram observation and an increment of a pre-bound counter
 * (one per distinct rule on a deny); no labels object is built per decision.
 */
export function instrumentDecider(opts: { readonly decider: Decider; readonly metrics: Metrics }): Decider {
  const { decider, metrics } = opts;
  // Children bound once per label set: an increment then hashes no labels object.
  const allow = metrics.decisions.labels({ verdict: 'allow', rule: '' });
  const undecided = metrics.decisions.labels({ verdict: 'undecided', rule: '' });
  const denyUnnamed = metrics.decisions.labels({ verdict: 'deny', rule: '' });
  const denied = new Map<string, Counted>();
  const other = metrics.decisions.labels({ verdict: 'deny', rule: OTHER_RULE });
  const deniedBy = (rule: string): Counted => {
    const known = denied.get(rule);
    if (known !== undefined) return known;
    if (rule.length > MAX_RULE_LENGTH || denied.size >= MAX_RULE_LABELS) return other;
    const child = metrics.decisions.labels({ verdict: 'deny', rule });
    denied.set(rule, child);
    return child;
  };
  const counters: DecisionCounters = { allow, undecided, denyUnnamed, deniedBy };
  return {
    decide: async (args) => {
      const started = performance.now();
      const verdict = await decider.decide(args);
      metrics.decisionDuration.observe((performance.now() - started) / 1000);
      count(counters, verdict);
      return verdict;
    },
  };
}

interface Counted {
  inc(): void;
}

interface DecisionCounters {
  readonly allow: Counted;
  readonly undecided: Counted;
  readonly denyUnnamed: Counted;
  deniedBy(rule: string): Counted;
}

function count(counters: DecisionCounters, verdict: Verdict): void {
  switch (verdict.kind) {
    case 'allow':
      counters.allow.inc();
      return;
    case 'undecided':
      counters.undecided.inc();
      return;
    case 'deny': {
      const seen: Counted[] = [];
      for (const v of verdict.violations) {
        const counter = counters.deniedBy(v.rule);
        if (seen.includes(counter)) continue;
        seen.push(counter);
        counter.inc();
      }
      if (seen.length === 0) counters.denyUnnamed.inc();
      return;
    }
    default:
      verdict satisfies never;
  }
}
