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
 * costs one clock read pair and a counter increment (per distinct rule on a deny); no labels
 * object is built for allow verdicts beyond prom-client's own.
 */
export function instrumentDecider(opts: { readonly decider: Decider; readonly metrics: Metrics }): Decider {
  const { decider, metrics } = opts;
  const rules = new Set<string>();
  const ruleLabel = (rule: string): string => {
    if (rules.has(rule)) return rule;
    if (rule.length > MAX_RULE_LENGTH || rules.size >= MAX_RULE_LABELS) return OTHER_RULE;
    rules.add(rule);
    return rule;
  };
  return {
    decide: async (args) => {
      const started = performance.now();
      const verdict = await decider.decide(args);
      metrics.decisionDuration.observe((performance.now() - started) / 1000);
      count(metrics, verdict, ruleLabel);
      return verdict;
    },
  };
}

function count(metrics: Metrics, verdict: Verdict, ruleLabel: (rule: string) => string): void {
  switch (verdict.kind) {
    case 'allow':
    case 'undecided':
      metrics.decisions.inc({ verdict: verdict.kind, rule: '' });
      return;
    case 'deny': {
      const seen: string[] = [];
      for (const v of verdict.violations) {
        const rule = ruleLabel(v.rule);
        if (seen.includes(rule)) continue;
        seen.push(rule);
        metrics.decisions.inc({ verdict: 'deny', rule });
      }
      if (seen.length === 0) metrics.decisions.inc({ verdict: 'deny', rule: '' });
      return;
    }
    default:
      verdict satisfies never;
  }
}
