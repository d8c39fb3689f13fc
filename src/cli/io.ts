/** Where a command writes; tests pass arrays, main.ts passes process streams. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}
