/**
 * Status-bar text for a document's progress (pure: no `vscode` import, unit-tested).
 * The input is the result of the `tickmark/stats` request (SPEC §3).
 */

export interface SectionStats {
  title: string;
  line: number;
  level: number;
  total: number;
  done: number;
  percent: number;
}

export interface DocumentStats {
  total: number;
  done: number;
  open: number;
  inProgress: number;
  deferred: number;
  cancelled: number;
  percent: number;
  bySection?: SectionStats[];
  byPriority?: Record<string, { total: number; done: number }>;
}

export interface StatusText {
  text: string;
  tooltip: string;
}

/** `$(checklist) 3/7 · 43%`, with a tooltip that breaks the count down. */
export function formatStatus(stats: DocumentStats): StatusText {
  if (!stats || typeof stats.total !== 'number' || stats.total <= 0) {
    return { text: '$(checklist) no tasks', tooltip: 'tickmark: this document has no tasks' };
  }
  const percent = Number.isFinite(stats.percent) ? Math.round(stats.percent) : Math.round((100 * stats.done) / stats.total);
  const text = `$(checklist) ${stats.done}/${stats.total} · ${percent}%`;
  const lines = [`tickmark: ${stats.done} of ${plural(stats.total, 'task')} done (${percent}%)`];
  const other = [
    stats.inProgress ? `${stats.inProgress} in progress` : '',
    stats.deferred ? `${stats.deferred} deferred` : '',
    stats.cancelled ? `${stats.cancelled} cancelled` : '',
  ].filter(Boolean);
  if (other.length) lines.push(other.join(' · '));
  const priorities = Object.entries(stats.byPriority ?? {})
    .filter(([, p]) => p && p.total > 0)
    .sort(([a], [b]) => priorityOrder(a) - priorityOrder(b) || a.localeCompare(b))
    .map(([name, p]) => `${name === 'none' ? 'no priority' : name} ${p.done}/${p.total}`);
  if (priorities.length) lines.push(priorities.join(' · '));
  const sections = (stats.bySection ?? []).filter((s) => s.total > 0).slice(0, 12);
  if (sections.length) {
    lines.push('');
    for (const s of sections) lines.push(`${'  '.repeat(Math.max(0, s.level - 1))}${s.title.trim()}: ${s.done}/${s.total}`);
  }
  return { text, tooltip: lines.join('\n') };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `P0` < `P1` < … < anything else < `none`. */
function priorityOrder(name: string): number {
  const m = /^P(\d+)$/.exec(name);
  if (m) return Number(m[1]);
  return name === 'none' ? Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER - 1;
}
