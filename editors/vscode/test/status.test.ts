import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStatus, type DocumentStats } from '../src/status';

const stats: DocumentStats = {
  total: 7,
  done: 3,
  open: 4,
  inProgress: 1,
  deferred: 1,
  cancelled: 2,
  percent: 42.857,
  bySection: [
    { title: 'Tier 1', line: 2, level: 2, total: 5, done: 2, percent: 40 },
    { title: 'Empty', line: 9, level: 2, total: 0, done: 0, percent: 0 },
    { title: 'Auth', line: 12, level: 3, total: 2, done: 1, percent: 50 },
  ],
  byPriority: { none: { total: 2, done: 1 }, P1: { total: 3, done: 1 }, P0: { total: 2, done: 1 }, P3: { total: 0, done: 0 } },
};

test('status text is done/total and a rounded percentage', () => {
  assert.equal(formatStatus(stats).text, '$(checklist) 3/7 · 43%');
});

test('the tooltip breaks the progress down by state, priority and section', () => {
  assert.equal(
    formatStatus(stats).tooltip,
    [
      'tickmark: 3 of 7 tasks done (43%)',
      '1 in progress · 1 deferred · 2 cancelled',
      'P0 1/2 · P1 1/3 · no priority 1/2',
      '',
      '  Tier 1: 2/5',
      '    Auth: 1/2',
    ].join('\n'),
  );
});

test('a document without tasks says so', () => {
  assert.equal(formatStatus({ total: 0, done: 0, open: 0, inProgress: 0, deferred: 0, cancelled: 0, percent: 0 }).text, '$(checklist) no tasks');
});

test('a missing percent is computed', () => {
  const s = formatStatus({ total: 3, done: 1, open: 2, inProgress: 0, deferred: 0, cancelled: 0, percent: Number.NaN });
  assert.equal(s.text, '$(checklist) 1/3 · 33%');
  assert.equal(s.tooltip, 'tickmark: 1 of 3 tasks done (33%)');
});
