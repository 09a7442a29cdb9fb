/**
 * package.json against the contract: the settings mirror SPEC §6 and the server's own
 * configuration schema (`tickmark config --schema`), the commands and the keybinding are
 * what the README promises.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CLIENT_SETTING_KEYS, DEFAULT_ROADMAP_GLOBS, RULE_CODES, SERVER_SETTING_KEYS, SEVERITIES } from '../src/config';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const extensionRoot = path.resolve(__dirname, '..', '..');
const repoRoot = path.resolve(extensionRoot, '..', '..');
const manifest: Json = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
const settings: Record<string, Json> = manifest.contributes.configuration.properties;
const settingKeys = Object.keys(settings).map((k) => k.replace(/^tickmark\./, ''));

test('every setting is under tickmark. and described', () => {
  for (const [key, setting] of Object.entries(settings)) {
    assert.match(key, /^tickmark\./);
    assert.ok(setting.description || setting.markdownDescription, `${key} has no description`);
    assert.ok('default' in setting, `${key} has no default`);
  }
});

test('the settings are exactly the SPEC section 6 keys plus the client ones', () => {
  assert.deepEqual([...settingKeys].sort(), [...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS].sort());
});

test('setting defaults are the SPEC defaults', () => {
  assert.deepEqual(settings['tickmark.roadmaps'].default, DEFAULT_ROADMAP_GLOBS);
  assert.deepEqual(settings['tickmark.priorities.default'].default, ['P0', 'P1', 'P2', 'P3']);
  assert.equal(settings['tickmark.states.in-progress'].default, '/');
  assert.equal(settings['tickmark.states.cancelled'].default, '-');
  assert.equal(settings['tickmark.states.deferred'].default, '>');
  assert.equal(settings['tickmark.toggle.cascade'].default, 'none');
  assert.deepEqual(settings['tickmark.toggle.cascade'].enum, ['none', 'down', 'up', 'both']);
  assert.equal(settings['tickmark.dates.stale-days'].default, 0);
});

test('tickmark.rules names every SPEC rule with the five severities', () => {
  const rules = settings['tickmark.rules'];
  assert.deepEqual(Object.keys(rules.properties).sort(), [...RULE_CODES].sort());
  for (const code of RULE_CODES) assert.deepEqual(rules.properties[code].enum, SEVERITIES, code);
});

test('the toggle keybinding is markdown-only, on mac too, and not Alt+C', () => {
  const bindings: Json[] = manifest.contributes.keybindings;
  const toggle = bindings.find((b) => b.command === 'tickmark.toggleTaskAtCursor');
  assert.ok(toggle, 'toggle has a keybinding');
  assert.match(toggle.when, /editorLangId == markdown/);
  assert.ok(toggle.mac, 'a macOS key is given');
  for (const key of [toggle.key, toggle.mac]) {
    assert.notEqual(key, 'alt+c', 'Markdown All in One uses alt+c');
    assert.ok(!/^(ctrl|cmd)\+[a-z]$/.test(key), `${key} is a single-modifier key, all taken by VS Code`);
  }
});

test('the commands do not re-register the server command id', () => {
  const ids: string[] = manifest.contributes.commands.map((c: Json) => c.command);
  assert.deepEqual(ids.sort(), ['tickmark.restart', 'tickmark.showHistory', 'tickmark.showOutput', 'tickmark.toggleTaskAtCursor']);
  // vscode-languageclient registers the server's executeCommand ids (tickmark.toggleTask) itself;
  // contributing or registering it here as well fails with "command already exists".
  assert.ok(!ids.includes('tickmark.toggleTask'));
  const source = fs.readFileSync(path.join(extensionRoot, 'src', 'extension.ts'), 'utf8');
  assert.ok(!/registerCommand\('tickmark\.toggleTask'/.test(source));
});

// The server's configuration schema, so the settings cannot drift from the config type.
function serverSchema(t: { skip: (m: string) => void; diagnostic: (m: string) => void }): Json | undefined {
  const fromEnv = process.env.TICKMARK_BIN;
  const binary = fromEnv ? path.resolve(repoRoot, fromEnv) : path.join(repoRoot, 'target', 'debug', 'tickmark');
  if (!fs.existsSync(binary)) {
    assert.ok(!fromEnv, `TICKMARK_BIN=${fromEnv} does not exist`);
    t.skip(`no tickmark binary at ${binary}: set TICKMARK_BIN to compare the settings with \`tickmark config --schema\``);
    return undefined;
  }
  t.diagnostic(`schema from ${binary} config --schema`);
  return JSON.parse(execFileSync(binary, ['config', '--schema'], { encoding: 'utf8' }));
}

function resolve(root: Json, node: Json): Json {
  let n = node;
  for (let i = 0; i < 20 && n; i++) {
    if (typeof n.$ref === 'string') {
      const name = n.$ref.replace(/^#\/(\$defs|definitions)\//, '');
      n = { ...(root.$defs ?? root.definitions ?? {})[name], ...withoutRef(n) };
      continue;
    }
    const alternatives = n.allOf ?? n.anyOf ?? n.oneOf;
    if (Array.isArray(alternatives) && !alternatives.every((a: Json) => 'const' in a || 'enum' in a)) {
      const nonNull = alternatives.filter((a: Json) => a.type !== 'null');
      if (nonNull.length === 1) {
        const { allOf: _a, anyOf: _b, oneOf: _c, ...rest } = n;
        n = { ...rest, ...nonNull[0] };
        continue;
      }
    }
    break;
  }
  return n;
}

function withoutRef(n: Json): Json {
  const { $ref: _ref, ...rest } = n;
  return rest;
}

function enumOf(node: Json): string[] | undefined {
  if (Array.isArray(node.enum)) return node.enum.filter((v: unknown) => v !== null).map(String);
  const alternatives = node.oneOf ?? node.anyOf;
  if (Array.isArray(alternatives) && alternatives.every((a: Json) => 'const' in a || 'enum' in a)) {
    return alternatives.flatMap((a: Json) => ('const' in a ? [a.const] : a.enum)).filter((v: unknown) => v !== null).map(String);
  }
  return undefined;
}

function typeOf(node: Json): string | undefined {
  const t = Array.isArray(node.type) ? node.type.filter((x: string) => x !== 'null') : [node.type];
  const one = t.length === 1 ? t[0] : undefined;
  return one === 'number' ? 'integer' : one;
}

function schemaLeaves(root: Json, node: Json, prefix: string, out: Map<string, Json>): void {
  const n = resolve(root, node);
  if (n.properties && typeof n.properties === 'object' && Object.keys(n.properties).length > 0) {
    for (const [k, child] of Object.entries(n.properties)) schemaLeaves(root, child, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, n);
  }
}

test('the settings match `tickmark config --schema`', (t) => {
  const schema = serverSchema(t);
  if (!schema) return;
  const leaves = new Map<string, Json>();
  schemaLeaves(schema, schema, '', leaves);
  const serverKeys = settingKeys.filter((k) => !(CLIENT_SETTING_KEYS as readonly string[]).includes(k));
  // Every schema leaf is a setting, or lies inside an object-valued setting (rules).
  for (const leaf of leaves.keys()) {
    assert.ok(serverKeys.some((k) => leaf === k || leaf.startsWith(`${k}.`)), `schema key ${leaf} has no tickmark.${leaf} setting`);
  }
  for (const key of serverKeys) {
    // Every setting is in the schema.
    let node = resolve(schema, schema);
    for (const part of key.split('.')) {
      assert.ok(node.properties && part in node.properties, `setting tickmark.${key} is not in the server's schema`);
      node = resolve(schema, node.properties[part]);
    }
    const setting = settings[`tickmark.${key}`];
    const schemaType = typeOf(node);
    if (schemaType) assert.equal(setting.type === 'number' ? 'integer' : setting.type, schemaType, `type of tickmark.${key}`);
    const schemaEnum = enumOf(node);
    if (schemaEnum && setting.enum) assert.deepEqual([...setting.enum].sort(), [...schemaEnum].sort(), `values of tickmark.${key}`);
    if (key === 'rules') {
      const byCode = node.properties ? Object.keys(node.properties) : undefined;
      if (byCode) assert.deepEqual(Object.keys(setting.properties).sort(), byCode.sort(), 'rule codes');
      const valueSchema = node.additionalProperties && typeof node.additionalProperties === 'object' ? resolve(schema, node.additionalProperties) : undefined;
      const severities = valueSchema ? enumOf(valueSchema) : undefined;
      if (severities) assert.deepEqual([...SEVERITIES].sort(), [...severities].sort(), 'rule severities');
    }
    if ('default' in node && node.default !== null && typeof node.default !== 'object') {
      assert.deepEqual(setting.default, node.default, `default of tickmark.${key}`);
    }
    if (Array.isArray(node.default)) assert.deepEqual(setting.default, node.default, `default of tickmark.${key}`);
  }
});

test('the item-history view wraps its lines', () => {
  const language = manifest.contributes.languages.find((l: Json) => l.id === 'tickmark-history');
  assert.ok(language, 'the history view has a language of its own');
  assert.equal(manifest.contributes.configurationDefaults['[tickmark-history]']['editor.wordWrap'], 'on');
  const source = fs.readFileSync(path.join(extensionRoot, 'src', 'extension.ts'), 'utf8');
  assert.match(source, /setTextDocumentLanguage\([^;]*HISTORY_LANGUAGE\)/);
  assert.match(source, /const HISTORY_LANGUAGE = 'tickmark-history'/);
});

test('a platform package script exists for linux-x64 and packs the server', () => {
  assert.equal(manifest.scripts['package:linux-x64'], 'node scripts/package-target.mjs linux-x64');
  const ignore = fs.readFileSync(path.join(extensionRoot, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!server\/\*\*$/m, 'server/ goes into the .vsix');
});

test('the platform packager knows each target and refuses a binary for another platform', async () => {
  const script = path.join(extensionRoot, 'scripts', 'package-target.mjs');
  const { TARGETS, binaryFormat, expectedFormat } = await import(script);
  for (const t of ['linux-x64', 'linux-arm64', 'alpine-x64', 'darwin-x64', 'darwin-arm64', 'win32-x64']) {
    assert.ok(TARGETS[t], t);
    assert.equal(manifest.scripts[`package:${t}`], `node scripts/package-target.mjs ${t}`);
  }
  assert.equal(binaryFormat(Buffer.from([0x7f, 0x45, 0x4c, 0x46])), 'elf');
  assert.equal(binaryFormat(Buffer.from('MZ\x90\x00', 'latin1')), 'pe');
  assert.equal(binaryFormat(Buffer.from([0xcf, 0xfa, 0xed, 0xfe])), 'mach-o');
  assert.equal(binaryFormat(Buffer.from('#!/b', 'latin1')), 'unknown');
  assert.equal(expectedFormat('win32-x64'), 'pe');
  assert.equal(expectedFormat('darwin-arm64'), 'mach-o');
  assert.equal(expectedFormat('alpine-x64'), 'elf');
  // A script is not a server: packaging stops before anything is written.
  const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tickmark-pkg-')), 'tickmark');
  fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
  const run = spawnSync(process.execPath, [script, 'linux-x64'], { env: { ...process.env, TICKMARK_BIN: fake }, encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /not an executable/);
  assert.ok(!fs.existsSync(path.join(extensionRoot, 'server')), 'no server/ folder is left behind');
});
