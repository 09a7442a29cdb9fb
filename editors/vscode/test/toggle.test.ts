import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toggleArguments } from '../src/toggle';

const uri = 'file:///w/ROADMAP.md';
const at = (line: number, character: number) => ({ line, character });

test('a cursor toggles its line', () => {
  assert.deepEqual(toggleArguments(uri, [{ start: at(4, 3), end: at(4, 3) }]), [{ uri, line: 4 }]);
});

test('a selection inside one line toggles that line', () => {
  assert.deepEqual(toggleArguments(uri, [{ start: at(4, 9), end: at(4, 2) }]), [{ uri, line: 4 }]);
});

test('a selection over several lines sends the range, start first', () => {
  assert.deepEqual(toggleArguments(uri, [{ start: at(7, 1), end: at(3, 5) }]), [{ uri, range: { start: at(3, 5), end: at(7, 1) } }]);
});

test('several cursors toggle each line once', () => {
  assert.deepEqual(
    toggleArguments(uri, [{ start: at(2, 0), end: at(2, 0) }, { start: at(5, 1), end: at(5, 1) }, { start: at(2, 4), end: at(2, 4) }]),
    [{ uri, line: 2 }, { uri, line: 5 }],
  );
});
