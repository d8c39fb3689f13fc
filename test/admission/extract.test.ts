import t from 'tap';
import { extractImages } from '../../src/admission/internal.js';
import { isImagegateError } from '../../src/errors/index.js';
import { kindCases } from '../fixtures/reviews.js';

const pod = { group: '', version: 'v1', kind: 'Pod' };
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' };

/** The error an object of the wrong shape is refused with: code and message as the API server shows it. */
function refusal(kind: typeof pod, object: unknown): { code: string; message: string } | 'extracted' {
  try {
    extractImages({ kind, object });
    return 'extracted';
  } catch (err) {
    if (!isImagegateError(err)) throw err;
    return { code: err.code, message: err.message };
  }
}

t.test('every supported kind: each image with its container, field and JSON pointer, in document order', async (t) => {
  for (const c of kindCases) {
    const object = c.wrap({
      initContainers: [{ name: 'init', image: 'busybox:1.36' }],
      containers: [
        { name: 'app', image: 'ghcr.io/acme/app:1' },
        { name: 'proxy', image: 'envoyproxy/envoy:v1.31' },
      ],
      ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
    });
    t.same(
      extractImages({ kind: c, object }),
      [
        {
          container: 'init',
          field: 'initContainers',
          pointer: `${c.specPointer}/initContainers/0/image`,
          image: 'busybox:1.36',
        },
        {
          container: 'app',
          field: 'containers',
          pointer: `${c.specPointer}/containers/0/image`,
          image: 'ghcr.io/acme/app:1',
        },
        {
          container: 'proxy',
          field: 'containers',
          pointer: `${c.specPointer}/containers/1/image`,
          image: 'envoyproxy/envoy:v1.31',
        },
        {
          container: 'debug',
          field: 'ephemeralContainers',
          pointer: `${c.specPointer}/ephemeralContainers/0/image`,
          image: 'busybox',
        },
      ],
      c.kind,
    );
  }
});

t.test(
  'an object of the wrong shape is refused naming where and what was found, never read as imageless',
  async (t) => {
    const invalid = (message: string) => ({ code: 'IMAGEGATE_ADMISSION_OBJECT_INVALID', message });
    t.same(refusal(pod, []), invalid('Pod: expected an object at /, found an array'));
    t.same(refusal(pod, { spec: [] }), invalid('Pod: expected a pod spec object at /spec, found an array'));
    t.same(
      refusal(deployment, { spec: { template: 'x' } }),
      invalid('Deployment.apps: expected an object at /spec/template, found a string'),
    );
    t.same(
      refusal(pod, { spec: { containers: {} } }),
      invalid('expected an array at /spec/containers, found an object'),
    );
    t.same(
      refusal(pod, { spec: { containers: [null] } }),
      invalid('expected a container object at /spec/containers/0, found null'),
    );
    t.same(
      refusal(pod, { spec: { containers: [{ name: 'a', image: { repository: 'nginx' } }] } }),
      invalid('/spec/containers/0/image must be a string, found an object'),
    );
    t.same(
      refusal(pod, { spec: { initContainers: [{ name: 7, image: 'nginx' }] } }),
      invalid('/spec/initContainers/0/name must be a string, found a number'),
    );
    t.same(
      refusal(pod, { spec: {} }),
      'extracted',
      'a pod spec without containers has no images (the API server rejects it)',
    );
  },
);
