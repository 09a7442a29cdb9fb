/**
 * Finding the `tickmark` binary and judging its version (pure: no `vscode` import and no
 * file-system access of its own, unit-tested).
 *
 * Order: the `tickmark.server.path` setting, else the binary bundled in the extension
 * (`server/tickmark`), else `tickmark` on `PATH`. A setting that points nowhere is an
 * error of its own: falling back silently would run a binary the user did not ask for.
 */
import * as path from 'node:path';

/** The oldest server this extension speaks to. */
export const MIN_SERVER_VERSION = '0.1.0';

/**
 * The install that works as written (tickmark is not on crates.io, so `cargo install
 * tickmark` fails): from a clone of the repository, with the lock file's versions.
 */
export const INSTALL_COMMAND = 'cargo install --locked --path .';

/** `https://github.com/o/r.git` (package.json `repository.url`) → the README's Install section. */
export function installDocsUrl(repositoryUrl: string | undefined): string | undefined {
  const m = /^(?:git\+)?(https:\/\/[^\s]+?)(?:\.git)?\/?$/.exec(repositoryUrl ?? '');
  return m ? `${m[1]}#install` : undefined;
}

export interface LookupInput {
  /** `tickmark.server.path`, as the user wrote it (may be empty). */
  settingPath?: string;
  /** The extension's folder. */
  extensionPath: string;
  /** The first workspace folder, for relative setting paths. */
  workspaceFolder?: string;
  /** `$HOME`, for `~/` in the setting. */
  home?: string;
  /** `PATH` of the extension host. */
  pathEnv?: string;
  platform: string;
  isExecutable: (file: string) => boolean;
}

export type Lookup =
  | { found: true; path: string; source: 'setting' | 'bundled' | 'PATH' }
  | { found: false; reason: 'setting-invalid'; path: string }
  | { found: false; reason: 'not-found' };

export function findServer(input: LookupInput): Lookup {
  const exe = input.platform === 'win32' ? 'tickmark.exe' : 'tickmark';
  const setting = (input.settingPath ?? '').trim();
  if (setting !== '') {
    const resolved = resolveSettingPath(setting, input);
    if (resolved.includes('/') || resolved.includes('\\')) {
      return input.isExecutable(resolved)
        ? { found: true, path: resolved, source: 'setting' }
        : { found: false, reason: 'setting-invalid', path: resolved };
    }
    // A bare name such as `tickmark-nightly`: look it up on PATH.
    const onPath = searchPath(resolved, input);
    return onPath ? { found: true, path: onPath, source: 'setting' } : { found: false, reason: 'setting-invalid', path: resolved };
  }
  const bundled = path.join(input.extensionPath, 'server', exe);
  if (input.isExecutable(bundled)) return { found: true, path: bundled, source: 'bundled' };
  const onPath = searchPath(exe, input);
  return onPath ? { found: true, path: onPath, source: 'PATH' } : { found: false, reason: 'not-found' };
}

function resolveSettingPath(setting: string, input: LookupInput): string {
  let p = setting;
  if (input.home && (p === '~' || p.startsWith('~/'))) p = path.join(input.home, p.slice(1));
  if (input.workspaceFolder) p = p.replace(/\$\{workspaceFolder\}/g, input.workspaceFolder);
  const hasSeparator = p.includes('/') || p.includes('\\');
  if (hasSeparator && !path.isAbsolute(p) && input.workspaceFolder) p = path.join(input.workspaceFolder, p);
  return p;
}

function searchPath(name: string, input: LookupInput): string | undefined {
  const sep = input.platform === 'win32' ? ';' : ':';
  for (const dir of (input.pathEnv ?? '').split(sep)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (input.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** `tickmark 0.3.1` (or `tickmark-lsp v0.3.1-dev`) → `[0, 3, 1]`. */
export function parseVersion(output: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(output ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function isAtLeast(version: [number, number, number], minimum: string): boolean {
  const min = parseVersion(minimum) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    if (version[i] !== min[i]) return version[i] > min[i];
  }
  return true;
}

export type VersionVerdict = { ok: true; version: string } | { ok: false; message: string };

/** Judges the output of `tickmark --version`; the message names the fix. */
export function judgeVersion(binary: string, output: string): VersionVerdict {
  const version = parseVersion(output);
  if (!version) {
    return {
      ok: false,
      message: `tickmark: \`${binary} --version\` printed no version (${JSON.stringify(output.trim().slice(0, 80))}). Point the \`tickmark.server.path\` setting at a tickmark binary.`,
    };
  }
  if (!isAtLeast(version, MIN_SERVER_VERSION)) {
    return {
      ok: false,
      message: `tickmark: the server at ${binary} is version ${version.join('.')}, older than ${MIN_SERVER_VERSION}, which this extension needs. Update it (in a clone of the tickmark repository: \`${INSTALL_COMMAND}\`) or set \`tickmark.server.path\`.`,
    };
  }
  return { ok: true, version: version.join('.') };
}

/** What to tell the user when no binary was found, with the fix. */
export function lookupFailureMessage(lookup: Lookup): string {
  if (lookup.found) return '';
  if (lookup.reason === 'setting-invalid') {
    return `tickmark: the \`tickmark.server.path\` setting points at ${lookup.path}, which is not an executable file. Fix the setting, or clear it to use \`tickmark\` from PATH.`;
  }
  return `tickmark: the \`tickmark\` language server was not found: this extension carries none for this platform, and there is none on PATH. Install it from a clone of the tickmark repository (\`${INSTALL_COMMAND}\`, or \`pip install .\`; README, section Install), or set \`tickmark.server.path\` to the binary.`;
}
