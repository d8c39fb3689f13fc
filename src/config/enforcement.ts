import type { Config, EnforcementConfig } from './types.js';

/** A Kubernetes namespace name (RFC 1123 label). */
const namespaceName = {
  type: 'string',
  minLength: 1,
  maxLength: 63,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
} as const;
const namespaceNames = { type: 'array', minItems: 1, maxItems: 1_000, items: namespaceName } as const;
/** Label selector by equality: Kubernetes label keys (optional DNS prefix, name ≤ 63) and values (≤ 63). */
const labelSelector = {
  type: 'object',
  minProperties: 1,
  maxProperties: 32,
  propertyNames: {
    type: 'string',
    maxLength: 317,
    pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$',
  },
  additionalProperties: { type: 'string', maxLength: 63, pattern: '^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$' },
} as const;
/** A rule's stable name as policies write it (`trusted-registries`), or "*" for every rule. */
const RULE = '^(\\*|[a-z0-9]([a-z0-9-]*[a-z0-9])?)$';
const modes = {
  type: 'object',
  maxProperties: 1_000,
  propertyNames: { type: 'string', maxLength: 63, pattern: RULE },
  additionalProperties: { enum: ['enforce', 'warn', 'audit'] },
} as const;

/** The `enforcement` section's schema (see README "Configuration"); `repositoryPattern` as trusted registries. */
export function enforcementSchema(repositoryPattern: object) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      dryRun: { type: 'boolean' },
      rules: modes,
      namespaces: {
        type: 'array',
        maxItems: 1_000,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['rules'],
          properties: { names: namespaceNames, labels: labelSelector, rules: { ...modes, minProperties: 1 } },
        },
      },
      exemptions: {
        type: 'array',
        maxItems: 1_000,
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            namespaces: namespaceNames,
            namespaceLabels: labelSelector,
            images: { type: 'array', minItems: 1, maxItems: 1_000, items: repositoryPattern },
            rules: {
              type: 'array',
              minItems: 1,
              maxItems: 1_000,
              items: { type: 'string', maxLength: 63, pattern: RULE },
            },
            reason: { type: 'string', maxLength: 1_024 },
          },
        },
      },
      exemptSystemNamespaces: { type: 'boolean' },
      ownNamespace: namespaceName,
    },
  } as const;
}

/**
 * What the schema cannot say about `enforcement`: each exemption has a reason (it is the only
 * record of why a rule does not apply) and selects something (an empty exemption would exempt
 * every namespace from every rule), and label selectors need the labels to be read.
 */
export function enforcementProblems(config: Config): string[] {
  const e: EnforcementConfig = config.enforcement;
  const labelsOff = !config.admission.namespaceLabels.enabled;
  const needLabels = (at: string): string =>
    `${at}: selects by namespace labels, which are read only with /admission/namespaceLabels/enabled true; ` +
    'enable it (RBAC get on namespaces) or select by namespace names';
  const problems: string[] = [];
  e.namespaces.forEach((n, i) => {
    const at = `/enforcement/namespaces/${i}`;
    if (n.names === undefined && n.labels === undefined)
      problems.push(`${at}: selects no namespace; give names, labels or both`);
    if (n.labels !== undefined && labelsOff) problems.push(needLabels(`${at}/labels`));
  });
  e.exemptions.forEach((x, i) => {
    const at = `/enforcement/exemptions/${i}`;
    if (x.reason.trim() === '')
      problems.push(
        `${at}/reason: required and not blank: say why this is exempt and until when (it is written to the decision log), ` +
          'e.g. reason: "legacy apps until 2027-03, ticket OPS-12"',
      );
    if ([x.namespaces, x.namespaceLabels, x.images, x.rules].every((s) => s === undefined))
      problems.push(
        `${at}: selects nothing, so it would exempt every namespace from every rule; give namespaces, namespaceLabels, images or rules`,
      );
    if (x.namespaceLabels !== undefined && labelsOff) problems.push(needLabels(`${at}/namespaceLabels`));
  });
  return problems;
}
