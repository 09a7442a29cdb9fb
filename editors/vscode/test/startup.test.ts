import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { exitWithin, OutputTail, spawnServer, startFailureMessage } from '../src/startup';

test('a server that dies at start is reported with its standard error and exit code', async () => {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tickmark-startup-')), 'tickmark');
  fs.writeFileSync(script, '#!/bin/sh\necho "warming up" >&2\necho "error: tickmark.toml:3: unknown key \\`rulez\\`" >&2\nexit 2\n', { mode: 0o755 });
  const chunks: string[] = [];
  const server = await spawnServer(script, ['lsp'], process.env, (c) => chunks.push(c));
  const exit = await exitWithin(server, 10_000);
  assert.deepEqual(exit, { code: 2, signal: null });
  assert.match(chunks.join(''), /unknown key/, 'the output channel gets the stderr too');
  const message = startFailureMessage(script, 'Pending response rejected since connection got disposed', server.stderr.lines(), exit?.code, exit?.signal);
  assert.equal(message, `tickmark: the server ${script} failed to start (exit code 2): warming up ⏎ error: tickmark.toml:3: unknown key \`rulez\``);
  assert.doesNotMatch(message, /disposed/);
});

test('a server still running is not reported as exited', async () => {
  const server = await spawnServer('/bin/sh', ['-c', 'sleep 5'], process.env);
  assert.equal(await exitWithin(server, 100), undefined);
  server.child.kill();
  assert.deepEqual(await server.exited, { code: null, signal: 'SIGTERM' });
});

test('a binary that cannot be run rejects with the reason', async () => {
  await assert.rejects(spawnServer('/nonexistent/tickmark', ['lsp'], process.env), /ENOENT/);
});

test('without stderr, the client error is kept unless it is only connection noise', () => {
  assert.equal(startFailureMessage('/b/tickmark', 'Pending response rejected since connection got disposed', [], 101),
    'tickmark: the server /b/tickmark failed to start (exit code 101), and printed nothing on standard error.');
  assert.equal(startFailureMessage('/b/tickmark', 'Request initialize failed with message: bad params', []),
    'tickmark: the server /b/tickmark failed to start: Request initialize failed with message: bad params');
  assert.match(startFailureMessage('/b/tickmark', '', [], null, 'SIGKILL'), /\(killed by SIGKILL\), and printed nothing/);
});

test('the tail keeps the last lines, and long output is cut', () => {
  const tail = new OutputTail(50);
  for (let i = 1; i <= 20; i++) tail.push(`line ${i}\n`);
  assert.deepEqual(tail.lines(3), ['line 18', 'line 19', 'line 20']);
  assert.ok(tail.lines(100).length < 20);
  assert.ok(tail.lines(100).every((l) => /^line \d+$/.test(l)), 'no line is cut in half');
  const long = startFailureMessage('/b', '', ['x'.repeat(1000)]);
  assert.ok(long.length < 700 && long.includes('…'));
});
