import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashPolicy, MAX_CRASHES, OnceNotifier } from '../src/crash';

test('the first crash is reported once and restarted; the fifth gives up', () => {
  const policy = new CrashPolicy();
  const decisions = Array.from({ length: 7 }, () => policy.recordCrash());
  assert.equal(MAX_CRASHES, 5);
  assert.deepEqual(
    decisions.map((d) => [d.restart, d.notify]),
    [
      [true, 'first'],
      [true, 'none'],
      [true, 'none'],
      [true, 'none'],
      [false, 'gave-up'],
      [false, 'none'],
      [false, 'none'],
    ],
  );
});

test('a manual restart counts afresh', () => {
  const policy = new CrashPolicy();
  for (let i = 0; i < 5; i++) policy.recordCrash();
  policy.reset();
  assert.deepEqual(policy.recordCrash(), { restart: true, notify: 'first', crashes: 1 });
});

test('a message is shown once until reset', () => {
  const once = new OnceNotifier();
  assert.equal(once.shouldShow('missing'), true);
  assert.equal(once.shouldShow('missing'), false);
  assert.equal(once.shouldShow('other'), true);
  once.reset();
  assert.equal(once.shouldShow('missing'), true);
});
