// Where the command line writes: results (machine-readable) on stdout, progress, warnings and the
// one-line reason of a failure on stderr. Colour only on a terminal, never with NO_COLOR.
import type { Readable, Writable } from 'stream';

export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** A failure the user can act on: printed as one line, exit code 1 unless said otherwise. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

const STYLES = { red: [31, 39], green: [32, 39], yellow: [33, 39], bold: [1, 22], dim: [2, 22] } as const;
export type Style = keyof typeof STYLES;

/** https://no-color.org: any non-empty NO_COLOR turns colour off; so does a stream that is not a terminal. */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/**
 * Text from Graph on a terminal: no control characters (an alert title must not move the cursor,
 * retitle the window or fake a line of our output), no bidi overrides, bounded.
 */
export function terminalSafe(value: unknown, max = 200): string {
  const text = String(value ?? '')
    .replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A block of text for a terminal: line breaks kept, every other control character blanked. */
export function terminalBlock(text: string): string {
  return text.replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, ' ');
}

export class Output {
  private readonly stdoutColor: boolean;
  private readonly stderrColor: boolean;

  constructor(private readonly io: Io, private readonly verbose = false) {
    this.stdoutColor = colorFor(io.stdout, io.env);
    this.stderrColor = colorFor(io.stderr, io.env);
  }

  /** The command's result. */
  result(text: string): void {
    this.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /** What is happening, for the person or the job log (stderr). */
  progress(text: string): void {
    this.io.stderr.write(`${this.paint('dim', text, this.stderrColor)}\n`);
  }

  /** Details only `--verbose` shows (Graph's retries and failures, request ids). */
  detail(text: string): void {
    if (this.verbose) {
      this.progress(text);
    }
  }

  warn(text: string): void {
    this.io.stderr.write(`${this.paint('yellow', 'warning:', this.stderrColor)} ${text}\n`);
  }

  error(text: string): void {
    this.io.stderr.write(`${this.paint('red', 'error:', this.stderrColor)} ${text}\n`);
  }

  /** Styles text for stdout (plain when stdout is not a terminal). */
  style(style: Style, text: string): string {
    return this.paint(style, text, this.stdoutColor);
  }

  private paint(style: Style, text: string, on: boolean): string {
    const [open, close] = STYLES[style];
    return on ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  }
}
