import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

interface Connection {
  /** Requests read and not yet answered (more than one when pipelined). */
  inFlight: number;
  /** Requests answered on it so far. */
  answered: number;
}

/**
 * How the server's connections end when it closes. Node destroys the idle ones (answered, no
 * request since) and stops its headers-timeout sweep, so a connection accepted but not yet sent
 * a request would hold the close (and the pod's exit) until the 30 s connection timeout, or be
 * cut when the process exits. Here such a connection gets `graceMs` to send its request (the app
 * refuses it with a retryable 503 and `Connection: close`, never a reset), then is destroyed if
 * it is still silent; connections that were answered and sit idle are destroyed at once, as Node
 * does.
 *
 * Per request this costs one map lookup and one listener.
 */
export function closeOnlyAnsweredConnections(server: HttpServer, opts: { readonly graceMs: number }): void {
  const connections = new Map<Socket, Connection>();
  server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections.set(socket, { inFlight: 0, answered: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req, res) => {
    const connection = connections.get(req.socket);
    if (connection === undefined) return;
    connection.inFlight++;
    res.once('close', () => {
      connection.inFlight--;
      connection.answered++;
    });
  });
  let sweep: NodeJS.Timeout | undefined;
  server.closeIdleConnections = () => {
    for (const [socket, c] of connections) if (c.inFlight === 0 && c.answered > 0) socket.destroy();
    sweep ??= setTimeout(() => {
      for (const [socket, c] of connections) if (c.inFlight === 0) socket.destroy();
    }, opts.graceMs).unref();
  };
}
