/**
 * Every safety property issue 15 asks of the rendered manifests, asserted on kubectl's output
 * (base and overlays alike): what would let one bad day (a restart, a drain, a bad push, a
 * tenant) stop the cluster or weaken the gate.
 */
import type { Test } from 'tap';
import { supportedKinds } from '../../src/admission/internal.js';
import { kindCases } from '../fixtures/reviews.js';
import { at, listAt, objAt, one, selects, strAt, type K8sObject } from './objects.js';

type Tap = Test;

export const NAMESPACE = 'imagegate';
/** Namespaces no webhook may ever judge: the control plane, node leases, imagegate itself. */
export const EXCLUDED = ['kube-system', 'kube-node-lease', NAMESPACE];
/** The label only the API server sets (to the namespace's name): no tenant can use it to opt out. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

export function deploymentOf(objects: readonly K8sObject[]): K8sObject {
  return one(objects, 'Deployment', 'imagegate');
}

function podLabels(objects: readonly K8sObject[]): K8sObject {
  return objAt(deploymentOf(objects), 'spec', 'template', 'metadata', 'labels');
}

export function container(objects: readonly K8sObject[]): K8sObject {
  const containers = listAt(deploymentOf(objects), 'spec', 'template', 'spec', 'containers');
  return objAt(containers, 0);
}

function checkRbac(t: Tap, objects: readonly K8sObject[]): void {
  t.equal(objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding').length, 0, 'no namespaced roles');
  const role = one(objects, 'ClusterRole', 'imagegate');
  t.same(
    listAt(role, 'rules'),
    [{ apiGroups: [''], resources: ['secrets', 'serviceaccounts', 'namespaces'], verbs: ['get'] }],
    'RBAC: only get (no list/watch) on secrets, serviceaccounts and namespaces',
  );
  const binding = one(objects, 'ClusterRoleBinding', 'imagegate');
  t.same(at(binding, 'roleRef'), { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'imagegate' });
  t.same(listAt(binding, 'subjects'), [{ kind: 'ServiceAccount', name: 'imagegate', namespace: NAMESPACE }]);
  const pod = objAt(deploymentOf(objects), 'spec', 'template', 'spec');
  t.equal(at(pod, 'serviceAccountName'), 'imagegate', 'the pods run as the bound service account');
  one(objects, 'ServiceAccount', 'imagegate');
}

function checkProbes(t: Tap, c: K8sObject): void {
  const ports = listAt(c, 'ports');
  t.same(ports, [{ name: 'https', containerPort: 8443, protocol: 'TCP' }], 'one port: the webhook');
  const paths = { startupProbe: '/healthz', readinessProbe: '/readyz', livenessProbe: '/healthz' };
  for (const [probe, path] of Object.entries(paths)) {
    t.same(at(c, probe, 'httpGet'), { path, port: 'https', scheme: 'HTTPS' }, `${probe} on ${path} over HTTPS`);
    t.ok(Number(at(c, probe, 'timeoutSeconds')) >= 1, `${probe} has a timeout`);
  }
  const startupBudget =
    Number(at(c, 'startupProbe', 'periodSeconds')) * Number(at(c, 'startupProbe', 'failureThreshold'));
  t.ok(startupBudget >= 30, `start-up (bundle load) may take ${startupBudget}s before liveness applies`);
}

function checkResources(t: Tap, c: K8sObject): void {
  for (const kind of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      t.ok(at(c, 'resources', kind, resource) !== undefined, `resources.${kind}.${resource} set`);
    }
  }
}

function checkSecurity(t: Tap, objects: readonly K8sObject[]): void {
  const pod = objAt(deploymentOf(objects), 'spec', 'template', 'spec');
  const c = container(objects);
  t.equal(at(pod, 'securityContext', 'runAsNonRoot'), true, 'pod runs as non-root');
  t.ok(Number(at(pod, 'securityContext', 'runAsUser')) > 0, 'with a numeric non-zero uid');
  t.equal(at(pod, 'securityContext', 'seccompProfile', 'type'), 'RuntimeDefault', 'seccomp RuntimeDefault');
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) t.equal(at(pod, key), undefined, `no ${key}`);
  t.equal(at(c, 'securityContext', 'readOnlyRootFilesystem'), true, 'read-only root filesystem');
  t.equal(at(c, 'securityContext', 'allowPrivilegeEscalation'), false, 'no privilege escalation');
  t.ok(at(c, 'securityContext', 'privileged') !== true, 'not privileged');
  t.same(at(c, 'securityContext', 'capabilities'), { drop: ['ALL'] }, 'every capability dropped, none added');
  t.equal(at(c, 'securityContext', 'runAsNonRoot'), true, 'container runs as non-root');
  const volumes = new Map(listAt(pod, 'volumes').map((v) => [strAt(v, 'name'), v]));
  for (const mount of listAt(c, 'volumeMounts')) {
    const name = strAt(mount, 'name');
    t.equal(at(mount, 'subPath'), undefined, `${name}: mounted whole (subPath mounts never see updates)`);
    const writable = at(volumes.get(name), 'emptyDir') !== undefined;
    t.ok(writable || at(mount, 'readOnly') === true, `${name}: read-only unless an emptyDir`);
  }
}

function checkAvailability(t: Tap, objects: readonly K8sObject[]): void {
  const deployment = deploymentOf(objects);
  const labels = podLabels(objects);
  t.ok(Number(at(deployment, 'spec', 'replicas')) >= 2, 'at least two replicas');
  t.equal(at(deployment, 'spec', 'strategy', 'rollingUpdate', 'maxUnavailable'), 0, 'rollouts never lower capacity');
  t.ok(selects(at(deployment, 'spec', 'selector'), labels), 'the Deployment selects its pods');
  const spread = listAt(deployment, 'spec', 'template', 'spec', 'topologySpreadConstraints');
  t.same(
    spread.map((s) => strAt(s, 'topologyKey')).sort(),
    ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
    'spread over nodes and zones',
  );
  for (const s of spread)
    t.ok(selects(at(s, 'labelSelector'), labels), `${strAt(s, 'topologyKey')} spread counts these pods`);

  const pdb = one(objects, 'PodDisruptionBudget', 'imagegate');
  t.equal(at(pdb, 'apiVersion'), 'policy/v1');
  t.ok(selects(at(pdb, 'spec', 'selector'), labels), 'the PDB covers the pods');
  const maxUnavailable = at(pdb, 'spec', 'maxUnavailable');
  t.ok(maxUnavailable === 1, 'a drain takes one replica at a time');

  const hpa = one(objects, 'HorizontalPodAutoscaler', 'imagegate');
  t.equal(at(hpa, 'apiVersion'), 'autoscaling/v2');
  t.same(at(hpa, 'spec', 'scaleTargetRef'), { apiVersion: 'apps/v1', kind: 'Deployment', name: 'imagegate' });
  t.ok(Number(at(hpa, 'spec', 'minReplicas')) >= 2, 'the HPA never scales below two');
  t.ok(Number(at(hpa, 'spec', 'maxReplicas')) > Number(at(hpa, 'spec', 'minReplicas')), 'and may scale out');
  t.same(
    listAt(hpa, 'spec', 'metrics').map((m) => [at(m, 'type'), at(m, 'resource', 'name')]),
    [['Resource', 'cpu']],
    'scaled on CPU',
  );
}

function checkNetwork(t: Tap, objects: readonly K8sObject[]): void {
  const labels = podLabels(objects);
  const service = one(objects, 'Service', 'imagegate');
  t.ok(selects({ matchLabels: at(service, 'spec', 'selector') }, labels), 'the Service selects the pods');
  t.same(listAt(service, 'spec', 'ports'), [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' }]);
  const policy = one(objects, 'NetworkPolicy', 'imagegate');
  t.ok(selects(at(policy, 'spec', 'podSelector'), labels), 'the NetworkPolicy covers the pods');
  t.ok(listAt(policy, 'spec', 'policyTypes').includes('Ingress'), 'ingress is restricted');
  const rules = listAt(policy, 'spec', 'ingress');
  t.ok(rules.length > 0, 'some ingress is admitted (the API server must reach the webhook)');
  for (const rule of rules) {
    t.same(listAt(rule, 'ports'), [{ protocol: 'TCP', port: 8443 }], 'ingress only to the webhook port');
  }
}

function ruleCovers(rules: readonly unknown[], group: string, version: string, resource: string): boolean {
  return rules.some(
    (r) =>
      listAt(r, 'apiGroups').includes(group) &&
      listAt(r, 'apiVersions').includes(version) &&
      listAt(r, 'resources').includes(resource) &&
      ['CREATE', 'UPDATE'].every((op) => listAt(r, 'operations').includes(op)),
  );
}

/** Every kind the admission room reads images from, and `kubectl debug`'s subresource. */
function checkRules(t: Tap, name: string, hook: unknown): void {
  const rules = listAt(hook, 'rules');
  for (const kind of supportedKinds) {
    const kc = kindCases.find((c) => `${c.group}/${c.kind}` === kind);
    t.ok(kc, `test fixture kindCases knows ${kind}`);
    if (kc !== undefined) t.ok(ruleCovers(rules, kc.group, kc.version, kc.resource), `${name}: rules cover ${kind}`);
  }
  t.ok(ruleCovers(rules, '', 'v1', 'pods/ephemeralcontainers'), `${name}: rules cover pods/ephemeralcontainers`);
  for (const r of rules) t.equal(at(r, 'scope'), 'Namespaced', `${name}: rules are namespaced`);
}

function checkSelector(t: Tap, name: string, hook: unknown): void {
  const selector = objAt(hook, 'namespaceSelector');
  t.equal(at(selector, 'matchLabels'), undefined, `${name}: no matchLabels a tenant could add or remove`);
  const expressions = listAt(selector, 'matchExpressions');
  const exclusion = expressions.find((e) => at(e, 'key') === NAME_LABEL && at(e, 'operator') === 'NotIn');
  t.ok(exclusion, `${name}: excludes namespaces by ${NAME_LABEL}`);
  const excluded = listAt(exclusion, 'values');
  for (const ns of EXCLUDED) t.ok(excluded.includes(ns), `${name}: ${ns} excluded`);
  for (const e of expressions) {
    const opensUp = at(e, 'operator') === 'NotIn' || at(e, 'operator') === 'DoesNotExist';
    t.ok(!opensUp || at(e, 'key') === NAME_LABEL, `${name}: no label other than ${NAME_LABEL} opts a namespace out`);
  }
}

function checkWebhook(t: Tap, objects: readonly K8sObject[], kind: string, path: string): unknown {
  const config = one(objects, kind, 'imagegate');
  const [hook, ...more] = listAt(config, 'webhooks');
  const name = strAt(hook, 'name');
  t.equal(more.length, 0, `${kind}: one webhook`);
  t.equal(at(hook, 'sideEffects'), 'None', `${name}: sideEffects None`);
  t.same(at(hook, 'admissionReviewVersions'), ['v1'], `${name}: admissionReviewVersions [v1]`);
  const timeout = Number(at(hook, 'timeoutSeconds'));
  t.ok(timeout >= 1 && timeout <= 10, `${name}: a short timeoutSeconds (${timeout})`);
  const service = one(objects, 'Service', 'imagegate');
  t.same(
    at(hook, 'clientConfig', 'service'),
    { name: 'imagegate', namespace: NAMESPACE, path, port: at(service, 'spec', 'ports', 0, 'port') },
    `${name}: calls the Service at ${path}`,
  );
  t.equal(at(service, 'metadata', 'namespace'), NAMESPACE);
  const conditions = listAt(hook, 'matchConditions');
  t.ok(
    conditions.some((c) => strAt(c, 'expression').includes("request.subResource != 'status'")),
    `${name}: a matchCondition skips status updates`,
  );
  checkSelector(t, name, hook);
  checkRules(t, name, hook);
  return hook;
}

function checkWebhooks(t: Tap, objects: readonly K8sObject[]): void {
  const mutate = checkWebhook(t, objects, 'MutatingWebhookConfiguration', '/mutate');
  t.equal(at(mutate, 'failurePolicy'), 'Ignore', 'mutate fails open (pinning is best effort)');
  t.equal(at(mutate, 'reinvocationPolicy'), 'IfNeeded', 'mutate runs again after other mutating webhooks');
  const validate = checkWebhook(t, objects, 'ValidatingWebhookConfiguration', '/validate');
  t.equal(at(validate, 'failurePolicy'), 'Fail', 'validate fails closed');
}

/** Every object but the cluster-scoped ones lives in imagegate's namespace. */
function checkNamespaces(t: Tap, objects: readonly K8sObject[]): void {
  const clusterScoped = new Set([
    'Namespace',
    'ClusterRole',
    'ClusterRoleBinding',
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
  ]);
  one(objects, 'Namespace', NAMESPACE);
  for (const o of objects) {
    const ns = at(o, 'metadata', 'namespace');
    const id = `${String(o.kind)}/${String(at(o, 'metadata', 'name'))}`;
    t.equal(ns, clusterScoped.has(String(o.kind)) ? undefined : NAMESPACE, `${id} namespace`);
  }
}

export function checkSafety(t: Tap, objects: readonly K8sObject[]): void {
  checkNamespaces(t, objects);
  checkRbac(t, objects);
  checkProbes(t, container(objects));
  checkResources(t, container(objects));
  checkSecurity(t, objects);
  checkAvailability(t, objects);
  checkNetwork(t, objects);
  checkWebhooks(t, objects);
}
