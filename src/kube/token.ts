import { readFile, stat } from 'node:fs/promises';
import { errorMessage } from '../errors/index.js';
import { KubeError } from './errors.js';

/** What identifies one version of the token file; any change means "read it again". */
interface FileVersion {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
}

export interface TokenFileSystem {
  stat(file: string): Promise<FileVersion>;
  readFile(file: string): Promise<string>;
}

export const nodeTokenFileSystem: TokenFileSystem = {
  stat: (file) => stat(file),
  readFile: (file) => readFile(file, 'utf8'),
};

const MAX_TOKEN_CHARS = 64 * 1024;

/**
 * The service account token, read from its file again whenever the file changes. Bound tokens
 * are rotated by the kubelet (about hourly, by an atomic symlink swap), so a token read once at
 * start-up stops working; `invalidate` forces a re-read after the API server answers 401.
 */
export class TokenFile {
  private version: FileVersion | undefined;
  private value: string | undefined;

  constructor(
    private readonly file: string,
    private readonly fs: TokenFileSystem = nodeTokenFileSystem,
  ) {}

  /** @throws KubeError unauthorized when the file cannot be read or is empty */
  async token(): Promise<string> {
    try {
      const v = await this.fs.stat(this.file);
      const same = v.mtimeMs === this.version?.mtimeMs && v.size === this.version.size && v.ino === this.version.ino;
      if (same && this.value !== undefined) return this.value;
      const text = (await this.fs.readFile(this.file)).trim();
      if (text === '' || text.length > MAX_TOKEN_CHARS || !/^[\x21-\x7e]+$/.test(text)) {
        throw new KubeError(
          'unauthorized',
          `the service account token file ${JSON.stringify(this.file)} is empty or not a token`,
        );
      }
      this.version = { mtimeMs: v.mtimeMs, size: v.size, ino: v.ino };
      this.value = text;
      return text;
    } catch (err) {
      if (err instanceof KubeError) throw err;
      throw new KubeError(
        'unauthorized',
        `cannot read the service account token file ${JSON.stringify(this.file)}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }

  invalidate(): void {
    this.version = undefined;
    this.value = undefined;
  }
}
