import {
  coversRepository,
  type EnforcementConfig,
  type EnforcementMode,
  type ExemptionConfig,
  type NamespaceModesConfig,
} from '../config/index.js';
import type { NamespaceLabels } from './ports.js';
import type { PlacedViolation } from './placement.js';

/**
 * Modes, exemptions and dry-run (config `enforcement`, README "Roll out a rule safely"). Applied
 * after the policy decision, so the verdict cache holds what the policy said, never what a
 * namespace's mode made of it. Pure: the same violations, namespace, labels and config give the
 * same split.
 */

/** Where each violation of one review went; every violation is in exactly one list. */
export interface EnforcementSplit {
  /** Mode enforce: these deny. */
  readonly denied: readonly PlacedViolation[];
  /** Mode warn: admitted, each an admission warning. */
  readonly warned: readonly PlacedViolation[];
  /** Mode audit: admitted, only logged and counted. */
  readonly audited: readonly PlacedViolation[];
  /** Mode enforce under dryRun: admitted, logged as wouldDeny. */
  readonly wouldDeny: readonly PlacedViolation[];
  /** Matched by an exemption: admitted, logged with its reason. */
  readonly exempted: readonly { readonly placed: PlacedViolation; readonly reason: string }[];
}

/** What is known of the review's namespace: its name and its labels (undefined: not read). */
export interface NamespaceView {
  readonly namespace: string;
  readonly labels: NamespaceLabels | undefined;
}

const STRICTNESS: Readonly<Record<EnforcementMode, number>> = { audit: 0, warn: 1, enforce: 2 };

export function splitViolations(opts: {
  readonly violations: readonly PlacedViolation[];
  readonly view: NamespaceView;
  readonly config: EnforcementConfig;
}): EnforcementSplit {
  const { view, config } = opts;
  const split: { [K in keyof EnforcementSplit]: EnforcementSplit[K][number][] } = {
    denied: [],
    warned: [],
    audited: [],
    wouldDeny: [],
    exempted: [],
  };
  for (const placed of opts.violations) {
    const exemption = config.exemptions.find((x) => exempts({ exemption: x, placed, view }));
    if (exemption !== undefined) {
      split.exempted.push({ placed, reason: exemption.reason });
      continue;
    }
    const mode = modeOf({ rule: placed.violation.rule, view, config });
    switch (mode) {
      case 'enforce':
        (config.dryRun ? split.wouldDeny : split.denied).push(placed);
        break;
      case 'warn':
        split.warned.push(placed);
        break;
      case 'audit':
        split.audited.push(placed);
        break;
      default:
        mode satisfies never;
    }
  }
  return split;
}

/**
 * The reason a review's namespace is exempt from everything, so that it is not evaluated at all
 * (no registry contact, no policy), or undefined. kube-system and imagegate's own namespace with
 * exemptSystemNamespaces (imagegate must never block the pods that run itself or the cluster's
 * control plane add-ons); else the first exemption selecting only namespaces (no images, no rules).
 */
export function namespaceExemption(opts: {
  readonly view: NamespaceView;
  readonly config: EnforcementConfig;
}): string | undefined {
  const { view, config } = opts;
  if (config.exemptSystemNamespaces) {
    if (view.namespace === 'kube-system')
      return 'kube-system is exempt from every rule (enforcement.exemptSystemNamespaces)';
    if (view.namespace === config.ownNamespace)
      return `imagegate's own namespace ${JSON.stringify(config.ownNamespace)} is exempt from every rule (enforcement.ownNamespace, enforcement.exemptSystemNamespaces)`;
  }
  return config.exemptions.find((x) => exemptsNamespace(x) && namespaceMatches(x, view))?.reason;
}

/** True when the config has namespace-wide exemptions by label: the labels must be read before evaluating. */
export function labelsDecideExemption(config: EnforcementConfig): boolean {
  return config.exemptions.some((x) => exemptsNamespace(x) && x.namespaceLabels !== undefined);
}

/** An exemption with no image or rule selector exempts whole namespaces. */
function exemptsNamespace(x: ExemptionConfig): boolean {
  return x.images === undefined && x.rules === undefined;
}

/** Every selector given must match; labels that could not be read never match (fail closed). */
function exempts(opts: {
  readonly exemption: ExemptionConfig;
  readonly placed: PlacedViolation;
  readonly view: NamespaceView;
}): boolean {
  const { exemption: x, placed } = opts;
  if (!namespaceMatches(x, opts.view)) return false;
  if (x.rules !== undefined && !x.rules.includes(placed.violation.rule)) return false;
  if (x.images === undefined) return true;
  const { repository } = placed;
  return repository !== undefined && x.images.some((prefix) => coversRepository(prefix, repository));
}

function namespaceMatches(x: ExemptionConfig, view: NamespaceView): boolean {
  if (x.namespaces !== undefined && !x.namespaces.includes(view.namespace)) return false;
  if (x.namespaceLabels === undefined) return true;
  return labelsMatch(x.namespaceLabels, view.labels) === true;
}

/**
 * The mode of `rule` in the review's namespace: the first namespaces entry selecting the namespace
 * and naming the rule (or "*") wins, else enforcement.rules (the rule, else "*"), else enforce.
 * When the labels could not be read, an entry selecting by labels might match or not: the
 * strictest of the modes it could come to applies (fail closed both ways: a label cannot be
 * made to weaken a mode by being unreadable, nor strengthen one it does not name).
 */
export function modeOf(opts: {
  readonly rule: string;
  readonly view: NamespaceView;
  readonly config: EnforcementConfig;
}): EnforcementMode {
  const { rule, view, config } = opts;
  const possible: EnforcementMode[] = [];
  for (const entry of config.namespaces) {
    const mode = entry.rules[rule] ?? entry.rules['*'];
    if (mode === undefined) continue;
    const selected = entrySelects(entry, view);
    if (selected === false) continue;
    possible.push(mode);
    if (selected === true) return strictest(possible);
  }
  possible.push(config.rules[rule] ?? config.rules['*'] ?? 'enforce');
  return strictest(possible);
}

/** true, false, or undefined when it depends on labels that could not be read. */
function entrySelects(entry: NamespaceModesConfig, view: NamespaceView): boolean | undefined {
  if (entry.names !== undefined && !entry.names.includes(view.namespace)) return false;
  return entry.labels === undefined ? true : labelsMatch(entry.labels, view.labels);
}

/** Equality selector over the namespace's labels; undefined when they could not be read. */
function labelsMatch(
  selector: Readonly<Record<string, string>>,
  labels: NamespaceLabels | undefined,
): boolean | undefined {
  if (labels?.kind !== 'labels') return undefined;
  return Object.entries(selector).every(([k, v]) => labels.labels[k] === v);
}

function strictest(modes: readonly EnforcementMode[]): EnforcementMode {
  return modes.reduce<EnforcementMode>((a, b) => (STRICTNESS[b] > STRICTNESS[a] ? b : a), 'audit');
}
