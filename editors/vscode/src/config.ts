/**
 * Settings → server configuration (pure: no `vscode` import, unit-tested).
 *
 * The `tickmark.*` settings that mirror `tickmark.toml` (SPEC §6) are sent to the server
 * under the `tickmark` section, with the same key names as the file. Only values the user
 * actually set are sent, so the server's own defaults and the workspace's `tickmark.toml`
 * keep their meaning.
 */

/** Setting keys (below `tickmark.`) that the server reads; names as in `tickmark.toml`. */
export const SERVER_SETTING_KEYS = [
  'roadmaps',
  'rules',
  'priorities.default',
  'states.in-progress',
  'states.cancelled',
  'states.deferred',
  'toggle.cascade',
  'dates.stale-days',
  'dates.stale-open-days',
] as const;

/** Setting keys (below `tickmark.`) that only the extension reads. */
export const CLIENT_SETTING_KEYS = ['server.path', 'trace.server', 'statusBar.enabled'] as const;

/** SPEC §6: the files that are roadmaps when `roadmaps` is not set. */
export const DEFAULT_ROADMAP_GLOBS = [
  '**/ROADMAP*.md',
  '**/TODO*.md',
  '**/BACKLOG*.md',
  '**/*ROADMAP*.md',
  '**/*TODO*.md',
  '**/TECH*DEBT*.md',
  '**/*BACKLOG*.md',
];

/** SPEC §2: the diagnostic codes whose severity `rules` can set. */
export const RULE_CODES = [
  'malformed-checkbox',
  'duplicate-item',
  'inconsistent-parent',
  'parent-completable',
  'unknown-priority',
  'malformed-priority',
  'mojibake',
  'empty-item',
  'status-mismatch',
  'broken-link',
  'stale-date',
  'progress-claim',
  'conflicting-state',
  'limit-reached',
  'reopened-item',
  'stale-open',
];

export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'];

/**
 * Builds the object sent for the `tickmark` configuration section.
 * `userValue(key)` returns the value the user set for `tickmark.<key>` (at any level),
 * or `undefined` when it was left at its default.
 */
export function buildServerSettings(userValue: (key: string) => unknown): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const value = userValue(key);
    if (value === undefined || value === null) continue;
    setPath(settings, key.split('.'), value);
  }
  return settings;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

export interface MarkdownFilter {
  scheme: string;
  language: string;
  pattern: string;
}

/**
 * The documents the client serves: markdown files on disk whose path matches one of the
 * roadmap globs, ignoring ASCII case as the server and the Neovim plugin do (VS Code's
 * globs are case-sensitive on Linux, so `todo.md` would get the server in Neovim only). An
 * empty or invalid setting falls back to the defaults, so a typo never switches the
 * extension off silently.
 */
export function roadmapDocumentSelector(globs: unknown): MarkdownFilter[] {
  const valid = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
  const patterns = valid.length > 0 ? valid : DEFAULT_ROADMAP_GLOBS;
  return patterns.map((pattern) => ({ scheme: 'file', language: 'markdown', pattern: ignoreCase(anchorGlob(pattern)) }));
}

/** `TODO*.md` → `[Tt][Oo][Dd][Oo]*.[Mm][Dd]`; letters inside a `[...]` class are kept. */
export function ignoreCase(glob: string): string {
  let out = '';
  let inClass = false;
  for (const c of glob) {
    if (inClass) {
      out += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      out += c;
      inClass = true;
    } else if (/[a-z]/i.test(c)) {
      out += `[${c.toUpperCase()}${c.toLowerCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}

// A bare `ROADMAP.md` in `tickmark.toml` means that file anywhere below the root, so prefix `**/`.
function anchorGlob(pattern: string): string {
  const p = pattern.trim().replace(/\\/g, '/');
  if (p.startsWith('**/') || p.startsWith('/')) return p;
  return `**/${p.replace(/^\.\//, '')}`;
}
