/**
 * What the user is told when the server does not start (pure: no `vscode` import,
 * unit-tested).
 *
 * A server that exits while starting leaves vscode-languageclient with nothing better than
 * "Pending response rejected since connection got disposed"; the server's own standard
 * error says why (a bad tickmark.toml, a missing library, a panic). The extension keeps the
 * end of that output and puts it in the message, with the binary it ran.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** The end of a stream of text: at most `maxChars` characters, cut at a line start. */
export class OutputTail {
  private text = '';

  constructor(private readonly maxChars = 4000) {}

  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * this.maxChars) this.text = this.text.slice(-this.maxChars);
  }

  /** The last `maxLines` non-empty lines, within `maxChars`. */
  lines(maxLines = 8): string[] {
    let text = this.text.length > this.maxChars ? this.text.slice(-this.maxChars) : this.text;
    if (text !== this.text) {
      const newline = text.indexOf('\n');
      if (newline >= 0) text = text.slice(newline + 1);
    }
    return text
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== '')
      .slice(-maxLines);
  }

  clear(): void {
    this.text = '';
  }
}

/** Messages of vscode-languageclient that only say the connection went away. */
const CONNECTION_NOISE = /connection got disposed|Connection is closed|connection to server is erroring|Pending response rejected/i;

/**
 * The notification for a server that failed to start: the binary, then what it printed on
 * standard error (the last lines), else the client's error.
 */
export function startFailureMessage(binary: string, error: string, stderr: string[], exitCode?: number | null, signal?: string | null): string {
  const how = signal ? ` (killed by ${signal})` : exitCode !== undefined && exitCode !== null ? ` (exit code ${exitCode})` : '';
  const head = `tickmark: the server ${binary} failed to start${how}`;
  if (stderr.length > 0) {
    // A notification shows one paragraph: the lines joined, the last ones kept.
    let said = stderr.join(' ⏎ ');
    if (said.length > 600) said = `…${said.slice(-600)}`;
    return `${head}: ${said}`;
  }
  const cause = error.trim();
  if (cause === '' || CONNECTION_NOISE.test(cause)) return `${head}, and printed nothing on standard error.`;
  return `${head}: ${cause}`;
}

export interface Exit {
  code: number | null;
  signal: string | null;
}

/** A started server: its process, the end of its standard error, and its exit. */
export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  stderr: OutputTail;
  exited: Promise<Exit>;
}

/**
 * Starts `command args` with piped stdio, keeping the end of its standard error (and
 * passing each chunk to `onStderr`, the output channel). Resolves once the process runs;
 * rejects when it cannot be started at all (ENOENT, EACCES).
 */
export function spawnServer(command: string, args: string[], env: NodeJS.ProcessEnv, onStderr?: (chunk: string) => void): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'pipe' });
    const stderr = new OutputTail();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr.push(chunk);
      onStderr?.(chunk);
    });
    // `close` comes after the last stderr chunk, so the tail is complete when this resolves.
    const exited = new Promise<Exit>((done) => child.once('close', (code, signal) => done({ code, signal })));
    child.once('error', reject);
    child.once('spawn', () => resolve({ child, stderr, exited }));
  });
}

/** The process's exit, or `undefined` if it is still running after `ms`. */
export function exitWithin(server: ServerProcess, ms: number): Promise<Exit | undefined> {
  return Promise.race([server.exited, new Promise<undefined>((done) => setTimeout(() => done(undefined), ms).unref())]);
}
