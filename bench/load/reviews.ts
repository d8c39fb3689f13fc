/**
 * The review the load benchmark sends: a ~9 KB Deployment as the API server sends it for
 * `kubectl apply` (labels, a last-applied-configuration annotation, two containers and an init
 * container with env, ports, probes, resources and mounts), with a fresh uid per request and
 * its three images as slots (protocol.ts).
 */
import { kindCases, review } from '../../test/fixtures/reviews.js';
import { bodySpec, type BodySpec, type Slot } from './protocol.js';

const deployment =
  kindCases.find((k) => k.kind === 'Deployment') ??
  ((): never => {
    throw new Error('test/fixtures/reviews.ts has no Deployment case');
  })();

function container(name: string, image: string, port: number): Record<string, unknown> {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: Array.from({ length: 8 }, (_, i) => ({
      name: `${name.toUpperCase()}_SETTING_${i}`,
      value: `value-${i}-${name}`,
    })),
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    readinessProbe: { httpGet: { path: '/readyz', port }, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/healthz', port }, periodSeconds: 10, failureThreshold: 3 },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'cache', mountPath: '/var/cache/app' },
    ],
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

function deploymentObject(): Record<string, unknown> {
  const labels = { app: 'web', team: 'payments', tier: 'frontend', 'app.kubernetes.io/version': '1.2.3' };
  const spec = {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' } },
      spec: {
        serviceAccountName: 'web',
        initContainers: [container('migrate', '@@IMG2@@', 8081)],
        containers: [container('app', '@@IMG0@@', 8080), container('proxy', '@@IMG1@@', 9090)],
        volumes: [
          { name: 'config', configMap: { name: 'web-config' } },
          { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
        ],
      },
    },
  };
  const lastApplied = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a', labels },
    spec,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'team-a',
      labels,
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
    },
    spec,
  };
}

/** The Deployment review as text with @@UID@@ and @@IMG0@@..@@IMG2@@ markers. */
export function deploymentReviewText(): string {
  const body = review(deployment, { uid: '@@UID@@', object: deploymentObject() });
  return JSON.stringify(body);
}

/**
 * The review as a BodySpec: `images[k]` says what fills container k's image (the app, the
 * proxy sidecar, the init container).
 */
export function deploymentReview(images: readonly [Slot, Slot, Slot]): BodySpec {
  return bodySpec(deploymentReviewText(), (name) => {
    if (name === 'UID') return { kind: 'uid' };
    const slot = images[Number(name.replace('IMG', ''))];
    if (slot === undefined) throw new Error(`no slot for marker ${name}`);
    return slot;
  });
}

/** A slot that is always `value`. */
export function fixed(value: string): Slot {
  return { kind: 'cycle', values: [value], period: 1 };
}
