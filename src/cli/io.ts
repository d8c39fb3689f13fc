/** Where a command writes; tests pass arrays, main.ts passes process streams. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** The whole of standard input (`policy eval -I`); absent where there is none to read. */
  readonly stdin?: () => Promise<string>;
  /** Draws a progress frame as it is (no newline); present only when stderr is a terminal. */
  readonly progress?: (frame: string) => void;
}
