/**
 * The baseline of the load benchmark: a bare fastify HTTPS route that parses the review (fastify's
 * own JSON parser) and answers one fixed allowing AdmissionReview, with no logging, no checks and
 * no policy. Run as its own process: `bare-route.ts CERT_FILE KEY_FILE`; prints `{"port":N}` once
 * listening on 127.0.0.1, and stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [certFile, keyFile] = process.argv.slice(2);
if (certFile === undefined || keyFile === undefined) throw new Error('usage: bare-route.ts CERT_FILE KEY_FILE');

const ANSWER = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: '00000000-0000-4000-8000-000000000000', allowed: true },
});

const app = Fastify({ https: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } });
app.post('/validate', (_req, reply) => reply.type('application/json').send(ANSWER));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.once('SIGTERM', () => void app.close());
