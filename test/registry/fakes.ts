/** Small hostile registries: node:https (or http) servers on 127.0.0.1 with generated certs. */
import { createServer as createHttps } from 'node:https';
import { createServer as createHttp, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { Agent } from 'undici';
import { generateCertificates, type CertificateMaterial } from '../../src/certs/internal.js';
import { buildImage, buildIndex, type BuiltImage } from '../fixtures/registry/index.js';

let material: CertificateMaterial | undefined;
/** One CA and serving cert (127.0.0.1, localhost) shared by every fake of a test file. */
export function fakeCerts(): CertificateMaterial {
  material ??= generateCertificates({
    service: 'fake',
    namespace: 'test',
    ipAddresses: ['127.0.0.1'],
    extraDnsNames: ['localhost'],
  });
  return material;
}

/** A dispatcher trusting the fakes' CA. */
export function fakeAgent(): Agent {
  return new Agent({ connect: { ca: fakeCerts().caCertPem } });
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

export interface Fake {
  readonly host: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** Resolves when every accepted socket has closed. */
  allClosed(): Promise<void>;
  /** Waits up to `ms` for every connection to the fake to close; answers how many are still open. */
  openAfter(ms: number): Promise<number>;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, fake: Fake) => void;

export async function startFake(handler: Handler, opts: { readonly plain?: boolean } = {}): Promise<Fake> {
  const sockets = new Set<Socket>();
  const certs = fakeCerts();
  const server: Server = opts.plain === true ? createHttp() : createHttps({ key: certs.keyPem, cert: certs.certPem });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const port = address.port;
  const fake: Fake = {
    host: `127.0.0.1:${port}`,
    port,
    requests: [],
    connections: 0,
    async allClosed() {
      while (sockets.size > 0) await new Promise((r) => setTimeout(r, 10));
    },
    async openAfter(ms) {
      const until = performance.now() + ms;
      while (sockets.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
      return sockets.size;
    },
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on(opts.plain === true ? 'connection' : 'secureConnection', (socket: Socket) => {
    fake.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    fake.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.on('error', () => undefined);
    handler(req, res, fake);
  });
  return fake;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A valid single-platform manifest a fake can serve. */
export const goodImage: BuiltImage = buildImage({ content: 'fake good' });
export const otherImage: BuiltImage = buildImage({ content: 'fake other' });
export const goodIndex: BuiltImage = buildIndex([goodImage, otherImage]);

/** Serves `image` for HEAD/GET of any manifest path, as distribution does. */
export function serveManifest(
  res: ServerResponse,
  req: IncomingMessage,
  image: BuiltImage,
  extra: Record<string, string> = {},
): void {
  res.writeHead(200, {
    'content-type': image.manifest.mediaType,
    'content-length': String(image.manifest.bytes.length),
    'docker-content-digest': image.manifest.digest,
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : image.manifest.bytes);
}
