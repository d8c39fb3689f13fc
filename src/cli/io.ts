/** Where a command writes; tests pass arrays, main.ts passes process streams. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** The whole of standard input (`policy eval -I`); absent where there is none to read. */
  readonly stdin?: () => Promise<string>;
}
