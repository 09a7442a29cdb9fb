import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findServer, installDocsUrl, isAtLeast, judgeVersion, lookupFailureMessage, MIN_SERVER_VERSION, parseVersion, type LookupInput } from '../src/server';

function input(executables: string[], extra: Partial<LookupInput> = {}): LookupInput {
  return {
    extensionPath: '/ext',
    workspaceFolder: '/ws',
    home: '/home/u',
    pathEnv: '/usr/local/bin:/usr/bin',
    platform: 'linux',
    isExecutable: (f) => executables.includes(f),
    ...extra,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const r = findServer(input(['/opt/tickmark', '/ext/server/tickmark', '/usr/bin/tickmark'], { settingPath: '/opt/tickmark' }));
  assert.deepEqual(r, { found: true, path: '/opt/tickmark', source: 'setting' });
});

test('the bundled binary wins over PATH', () => {
  const r = findServer(input(['/ext/server/tickmark', '/usr/bin/tickmark']));
  assert.deepEqual(r, { found: true, path: '/ext/server/tickmark', source: 'bundled' });
});

test('PATH is searched in order', () => {
  const r = findServer(input(['/usr/bin/tickmark', '/usr/local/bin/tickmark']));
  assert.deepEqual(r, { found: true, path: '/usr/local/bin/tickmark', source: 'PATH' });
});

test('a setting that points nowhere is an error, not a silent fallback', () => {
  const r = findServer(input(['/usr/bin/tickmark'], { settingPath: '/nope/tickmark' }));
  assert.deepEqual(r, { found: false, reason: 'setting-invalid', path: '/nope/tickmark' });
  assert.match(lookupFailureMessage(r), /tickmark\.server\.path.*\/nope\/tickmark/);
});

test('setting paths expand ~, ${workspaceFolder} and relative paths', () => {
  assert.equal((findServer(input(['/home/u/bin/tickmark'], { settingPath: '~/bin/tickmark' })) as { path: string }).path, '/home/u/bin/tickmark');
  assert.equal((findServer(input(['/ws/target/debug/tickmark'], { settingPath: '${workspaceFolder}/target/debug/tickmark' })) as { path: string }).path, '/ws/target/debug/tickmark');
  assert.equal((findServer(input(['/ws/target/debug/tickmark'], { settingPath: 'target/debug/tickmark' })) as { path: string }).path, '/ws/target/debug/tickmark');
});

test('a bare name in the setting is looked up on PATH', () => {
  const r = findServer(input(['/usr/bin/tickmark-nightly'], { settingPath: 'tickmark-nightly' }));
  assert.deepEqual(r, { found: true, path: '/usr/bin/tickmark-nightly', source: 'setting' });
});

test('Windows looks for tickmark.exe with ; separated PATH', () => {
  const r = findServer(input(['C:\\tools/tickmark.exe'], { platform: 'win32', pathEnv: 'C:\\other;C:\\tools', extensionPath: 'C:\\ext' }));
  assert.equal(r.found, true);
});

test('nothing found says how to install it', () => {
  const r = findServer(input([]));
  assert.deepEqual(r, { found: false, reason: 'not-found' });
  assert.match(lookupFailureMessage(r), /`cargo install --locked --path \.`/);
  // tickmark is not on crates.io: the message must not send the user to it.
  assert.doesNotMatch(lookupFailureMessage(r), /cargo install tickmark/);
  assert.match(lookupFailureMessage(r), /README, section Install/);
  assert.match(lookupFailureMessage(r), /tickmark\.server\.path/);
});

test('versions are parsed from --version output', () => {
  assert.deepEqual(parseVersion('tickmark 0.1.0\n'), [0, 1, 0]);
  assert.deepEqual(parseVersion('tickmark v1.22.333-dev'), [1, 22, 333]);
  assert.equal(parseVersion('tickmark'), undefined);
});

test('version comparison', () => {
  assert.equal(isAtLeast([0, 1, 0], '0.1.0'), true);
  assert.equal(isAtLeast([0, 2, 0], '0.10.0'), false);
  assert.equal(isAtLeast([1, 0, 0], '0.10.0'), true);
  assert.equal(isAtLeast([0, 0, 9], '0.1.0'), false);
});

test('a too old or unversioned server is refused with a fix', () => {
  assert.deepEqual(judgeVersion('/b/tickmark', `tickmark ${MIN_SERVER_VERSION}`), { ok: true, version: MIN_SERVER_VERSION });
  const old = judgeVersion('/b/tickmark', 'tickmark 0.0.1');
  assert.equal(old.ok, false);
  assert.match((old as { message: string }).message, /older than .*cargo install --locked --path \./);
  const none = judgeVersion('/b/tickmark', 'usage: tickmark');
  assert.equal(none.ok, false);
  assert.match((none as { message: string }).message, /tickmark\.server\.path/);
});

test('the README install section is linked from the manifest repository', () => {
  assert.equal(installDocsUrl('https://github.com/o/r.git'), 'https://github.com/o/r#install');
  assert.equal(installDocsUrl('git+https://github.com/o/r'), 'https://github.com/o/r#install');
  assert.equal(installDocsUrl(undefined), undefined);
  assert.equal(installDocsUrl('ssh://git@host/r.git'), undefined);
});
