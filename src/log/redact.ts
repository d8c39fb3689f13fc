/**
 * Paths pino censors wherever they appear in a log object. Credentials reach the process through
 * registry auth, pull secrets and TLS material; none of them may ever be written to a log.
 */
export const redactPaths: readonly string[] = [
  'password',
  'token',
  'auth',
  'authorization',
  'key',
  '*.password',
  '*.token',
  '*.auth',
  '*.authorization',
  '*.key',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];
