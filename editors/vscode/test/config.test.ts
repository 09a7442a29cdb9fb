import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildServerSettings, DEFAULT_ROADMAP_GLOBS, ignoreCase, roadmapDocumentSelector, SERVER_SETTING_KEYS } from '../src/config';

test('only the settings the user set are sent, nested as in tickmark.toml', () => {
  const user: Record<string, unknown> = {
    rules: { 'duplicate-item': 'information' },
    'toggle.cascade': 'both',
    'dates.stale-days': 30,
    'states.in-progress': '',
  };
  assert.deepEqual(buildServerSettings((k) => user[k]), {
    rules: { 'duplicate-item': 'information' },
    toggle: { cascade: 'both' },
    dates: { 'stale-days': 30 },
    states: { 'in-progress': '' },
  });
});

test('nothing set sends an empty section', () => {
  assert.deepEqual(buildServerSettings(() => undefined), {});
});

test('sibling keys share one table', () => {
  const user: Record<string, unknown> = { 'states.cancelled': '~', 'states.deferred': '' };
  assert.deepEqual(buildServerSettings((k) => user[k]), { states: { cancelled: '~', deferred: '' } });
});

test('every key the server reads is asked for', () => {
  const asked: string[] = [];
  buildServerSettings((k) => void asked.push(k));
  assert.deepEqual(asked, [...SERVER_SETTING_KEYS]);
});

test('the selector serves markdown files matching the roadmap globs', () => {
  assert.deepEqual(roadmapDocumentSelector(['docs/ROADMAP.md', '**/PLAN.md']), [
    { scheme: 'file', language: 'markdown', pattern: ignoreCase('**/docs/ROADMAP.md') },
    { scheme: 'file', language: 'markdown', pattern: ignoreCase('**/PLAN.md') },
  ]);
});

test('an empty or broken globs setting falls back to the SPEC defaults', () => {
  for (const bad of [undefined, [], [''], 'ROADMAP.md', [42]]) {
    assert.deepEqual(
      roadmapDocumentSelector(bad).map((f) => f.pattern),
      DEFAULT_ROADMAP_GLOBS.map(ignoreCase),
      JSON.stringify(bad),
    );
  }
});

test('roadmap globs ignore case, as the server matches them', () => {
  assert.equal(ignoreCase('**/TODO*.md'), '**/[Tt][Oo][Dd][Oo]*.[Mm][Dd]');
  assert.equal(ignoreCase('docs/v[0-9]/x.md'), '[Dd][Oo][Cc][Ss]/[Vv][0-9]/[Xx].[Mm][Dd]');
  assert.equal(roadmapDocumentSelector(undefined)[0].pattern, '**/[Rr][Oo][Aa][Dd][Mm][Aa][Pp]*.[Mm][Dd]');
});
