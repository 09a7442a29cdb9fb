// End-to-end test of the packaged extension in a real VS Code: code-server (the VS Code
// workbench and a Node extension host) driven by headless Chromium through playwright-core,
// against the real `tickmark lsp`. Everything is done from the keyboard and mouse, as a
// person would, and read back from the screen and from the saved file.
//
// The extension is installed from the linux-x64 .vsix (`npm run package:linux-x64`), which
// carries the server: with `tickmark.server.path` empty and no tickmark on PATH, it must
// start its bundled binary. The bad-input steps then point the setting at broken servers.
//
// Env:
//   TICKMARK_BIN  the tickmark binary (required; the broken servers of the last steps wrap it)
//   VSIX          the packaged extension      (default: ../dist/tickmark-linux-x64.vsix)
//   CODE_SERVER   code-server launcher        (default: `code-server` on PATH)
//   CHROMIUM      Chromium executable         (default: /usr/bin/chromium)
//   OUT           screenshots and logs        (default: <repo>/artifacts/vscode-e2e)
//   KEEP=1        keep the temporary folders
//
// Prints PASS/FAIL lines and a closing `N passed, N failed`; exits 1 on any failure.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const env = process.env;
const CODE_SERVER = env.CODE_SERVER || 'code-server';
const CHROMIUM = env.CHROMIUM || '/usr/bin/chromium';
const OUT = path.resolve(env.OUT || path.join(repoRoot, 'artifacts', 'vscode-e2e'));
const VSIX = path.resolve(env.VSIX || path.join(here, '..', 'dist', 'tickmark-linux-x64.vsix'));
if (!env.TICKMARK_BIN) {
  console.error('TICKMARK_BIN must name the tickmark binary (e.g. target/debug/tickmark)');
  process.exit(2);
}
// Absolute: code-server rebuilds the extension host's environment from a login shell,
// so a PATH set here never reaches it.
const TICKMARK_BIN = path.resolve(repoRoot, env.TICKMARK_BIN);
fs.mkdirSync(OUT, { recursive: true });
for (const f of fs.readdirSync(OUT)) if (/\.(png|log|txt|json)$/.test(f)) fs.rmSync(path.join(OUT, f));

const t0 = Date.now();
const timings = {};
const mark = (name) => { timings[name] = (Date.now() - t0) / 1000; console.log(`[${timings[name].toFixed(1)}s] ${name}`); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let passed = 0;
let failed = 0;
const check = (ok, what, detail = '') => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
  if (ok) passed++; else failed++;
  return ok;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tickmark-e2e-'));
const userData = path.join(tmp, 'user-data');
const extDir = path.join(tmp, 'extensions');
const workspace = path.join(tmp, 'workspace');
const browserProfile = path.join(tmp, 'chromium-profile');
// tickmark.server.path is machine-overridable: a remote window (which code-server is) reads it
// from the remote machine's settings (Machine/), not from the user's, so write both.
const settingsFiles = [path.join(userData, 'User', 'settings.json'), path.join(userData, 'Machine', 'settings.json')];

// The workspace: the fixture roadmap, committed in a git repository (for hover history).
fs.cpSync(path.join(here, 'workspace'), workspace, { recursive: true });
const git = (...args) => execFileSync('git', ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: workspace, stdio: 'pipe' });
git('init', '-q');
git('add', '.');
git('commit', '-q', '-m', 'Start the roadmap');
const roadmapOnDisk = () => fs.readFileSync(path.join(workspace, 'ROADMAP.md'), 'utf8');

const baseSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'files.autoSave': 'off',
};
const writeSettings = (extra = {}) => {
  for (const file of settingsFiles) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...baseSettings, ...extra }, null, 2));
  }
};
writeSettings();

const common = ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extDir];
let server;
const stopServer = () => { try { if (server) process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ } };
process.on('exit', () => {
  stopServer();
  if (env.KEEP) console.log(`kept ${tmp}`); else fs.rmSync(tmp, { recursive: true, force: true });
});

// 0. nothing named tickmark on the PATH the extension host gets (code-server builds it from a
// login shell): the server that answers below can only be the bundled one
const onPath = (() => {
  try { return execFileSync('bash', ['-lc', 'command -v tickmark'], { encoding: 'utf8' }).trim(); } catch { return ''; }
})();
check(onPath === '', 'no tickmark on PATH', onPath);

// 1. install the packaged extension, as a user does with a .vsix
execFileSync(CODE_SERVER, [...common, '--install-extension', VSIX], { stdio: 'inherit' });
mark('extension installed');

// 2. code-server on a free loopback port
const port = await new Promise((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const serverLog = fs.openSync(path.join(OUT, 'code-server.log'), 'w');
server = spawn(CODE_SERVER, [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
  '--disable-getting-started-override', workspace], { stdio: ['ignore', serverLog, serverLog], detached: true });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
  if (i > 600) throw new Error('code-server did not start');
  await sleep(100);
}
mark('code-server listening');

// 3. headless Chromium with a fresh profile
const launchArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const context = await chromium.launchPersistentContext(browserProfile, {
  executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 800 }, args: launchArgs,
});
const page = context.pages()[0] || await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') fs.appendFileSync(path.join(OUT, 'browser-console.log'), `${m.text()}\n`); });
const shot = (name) => page.screenshot({ path: path.join(OUT, `${name}.png`) });

// Helpers that read the screen.
const readEditor = () => page.evaluate(() => [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')]
  .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
  .map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n'));
const waitFor = async (predicate, ms = 15_000) => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await predicate();
    if (value || Date.now() > end) return value;
    await sleep(100);
  }
};
// Inlay hints (`1/2` after a parent task) are rendered inside the line: match its start.
const editorHasLine = (line) => waitFor(async () => (await readEditor()).split('\n').some((l) => l === line || l.startsWith(`${line}`) && /^\d+\/\d+$/.test(l.slice(line.length).trim())));
const focusEditor = async () => {
  await page.keyboard.press('Escape');
  // Clicking the file's tab focuses its editor without moving the cursor.
  await page.locator('.tabs-container .tab').filter({ hasText: /^\s*ROADMAP\.md\s*$/ }).first().click();
  await sleep(200);
};
const goTo = async (line, column = 1) => {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await sleep(200);
};
const statusText = () => page.evaluate(() => [...document.querySelectorAll('.part.statusbar .statusbar-item')]
  .map((e) => e.textContent.trim()).find((t) => /^\d+\/\d+ · \d+%$|no tasks/.test(t)) || '');
// The extension's output channel, as VS Code logs it (the client log and the server's stderr).
const outputChannelLog = () => {
  const logs = path.join(userData, 'logs');
  const files = fs.existsSync(logs) ? fs.readdirSync(logs, { recursive: true }).map(String).filter((f) => f.endsWith('tickmark.log')) : [];
  return files.map((f) => fs.readFileSync(path.join(logs, f), 'utf8')).join('\n');
};
const seenToasts = new Set();
const toastButtons = () => page.locator('.notifications-toasts .notification-list-item .monaco-button').allInnerTexts().catch(() => []);
const collectToasts = async () => {
  for (const t of await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts().catch(() => [])) seenToasts.add(t.trim());
};
const runCommand = async (title) => {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(title);
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 15_000 });
  await sleep(300);
  await page.keyboard.press('Enter');
};
// The rows of the Keyboard Shortcuts editor once the search has filtered them (the full
// list has hundreds of rows; a key is bound to a handful at most).
const filteredShortcuts = async (tab) => {
  const rows = () => tab.locator('.keybindings-editor .monaco-list-row').allInnerTexts();
  await waitFor(async () => { const r = await rows(); return r.length > 0 && r.length < 10; }, 15_000);
  await sleep(500);
  return (await rows()).map((t) => t.replace(/\s+/g, ' ').trim());
};
// Code-action menu rows (the lightbulb and Ctrl+. open the same widget).
const actionRows = () => page.locator('.action-widget .monaco-list-row.action');
// `open` shows the menu; it is tried again if the menu does not come (the code actions of a
// freshly moved cursor may still be on their way).
const pickAction = async (open, predicate) => {
  for (let attempt = 1; ; attempt++) {
    await open();
    try {
      await page.waitForSelector('.action-widget .monaco-list-row.action', { timeout: 5_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
      await sleep(500);
    }
  }
  await sleep(300);
  const titles = (await actionRows().allInnerTexts()).map((t) => t.trim());
  const index = titles.findIndex(predicate);
  return { titles, index };
};

try {
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  mark('workbench loaded');

  // 4. open ROADMAP.md with Quick Open
  await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } });
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('ROADMAP.md');
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector('.editor-instance .monaco-editor .view-lines .view-line', { timeout: 30_000 });
  mark('ROADMAP.md open');

  // 5. diagnostics from the server appear as squiggles
  await page.waitForSelector('.monaco-editor .squiggly-warning', { timeout: 60_000 });
  mark('diagnostics visible');
  check(await page.locator('.monaco-editor .squiggly-warning').count() >= 1, 'a warning squiggle in the editor');
  // The output channel names the binary it started and where it was found.
  const channel = outputChannelLog();
  check(/server: \S+\/server\/tickmark \(from bundled\)/.test(channel), 'the extension started its bundled server (no setting, nothing on PATH)',
    channel.split('\n').filter((l) => l.includes('server:')).join(' | ') || 'no output channel log');

  // 6. the status bar shows the document's progress (tickmark/stats)
  const status = await waitFor(statusText, 15_000);
  check(/^\d+\/\d+ · \d+%$/.test(status), 'status bar shows the progress', status);
  const [done0, total0] = status.split(' ')[0].split('/').map(Number);

  // 7. hover a task: the server's hover (markdown) appears
  const taskSpan = page.locator('.editor-instance .view-line span', { hasText: 'Add rate limiting' }).first();
  const hoverTask = async () => {
    // Code lenses may have moved the line since, and a line re-rendered meanwhile has no box
    // until it is drawn again: wait for it.
    await taskSpan.waitFor({ state: 'visible', timeout: 15_000 });
    let box = await taskSpan.boundingBox();
    for (let i = 0; !box && i < 20; i++) {
      await sleep(250);
      box = await taskSpan.boundingBox();
    }
    await page.mouse.move(box.x + Math.min(box.width / 2, 60), box.y + box.height / 2);
    await page.waitForSelector('.monaco-hover .hover-contents, .monaco-hover .hover-row', { state: 'visible', timeout: 15_000 }).catch(() => {});
    await sleep(800);
    return (await page.locator('.monaco-hover').allInnerTexts().catch(() => [])).join('\n').trim();
  };
  // The git history behind the hover is read in the background: the second hover has it.
  await hoverTask();
  await page.mouse.move(1200, 790);
  await sleep(1500);
  const hover = await hoverTask();
  fs.writeFileSync(path.join(OUT, 'hover.txt'), `${hover}\n`);
  // The task hover names its priority; the heading hover would show "Progress:" instead.
  // (The history line may name the task's section, so the heading title proves nothing.)
  check(/Priority: P0/.test(hover) && !/Progress:/.test(hover), 'hovering a task shows the server hover (its priority)', hover || 'no hover');
  check(/History/.test(hover) && /Added .* by Ada Lovelace/.test(hover), "the task hover shows the item's history from git", hover || 'no hover');
  await shot('01-hover-task');

  // 8. the Problems panel lists the malformed box with source and code
  await page.mouse.move(1200, 790);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 30_000 });
  await sleep(500);
  const problems = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  fs.writeFileSync(path.join(OUT, 'problems.txt'), problems.join('\n---\n'));
  check(problems.some((t) => t.includes('malformed-checkbox') && t.includes('tickmark') && /Ln 6\b/.test(t)),
    'Problems panel shows tickmark(malformed-checkbox) on line 6', problems.join(' | '));
  await shot('02-problems-panel');

  // 9. the quick fix from the lightbulb: line 6 `- [] Setup…` becomes `- [ ] Setup…`
  await focusEditor();
  await goTo(6, 4);
  // The lightbulb sits in the gutter (recent releases) or over the text (older ones).
  const bulb = page.locator('.monaco-editor .codicon[class*="lightbulb"]:visible').first();
  await bulb.waitFor({ state: 'visible', timeout: 15_000 });
  // The fix of the diagnostic: not the Ignore comment, not a checkoff or a refactoring.
  const other = /^(Ignore|Check item|Uncheck item|Convert to|Set priority|Move done|Sort items|Fix all)/;
  const fix = await pickAction(() => bulb.click(), (t) => !other.test(t) && /\[ \]|\bbox\b|checkbox|malformed/i.test(t));
  await shot('03-lightbulb-quick-fix');
  if (check(fix.index >= 0, 'the lightbulb offers a fix for the malformed box', fix.titles.join(' | '))) {
    await actionRows().nth(fix.index).click();
    check(await editorHasLine('- [ ] Setup Redis server locally'), `quick fix "${fix.titles[fix.index]}" rewrote the box`, await readEditor());
  }
  check(await waitFor(async () => (await page.locator('.monaco-editor .squiggly-warning').count()) === 0, 10_000), 'the squiggle is gone after the fix');

  // 10. the toggle keybinding (Ctrl+Alt+X) on line 5
  await focusEditor();
  await goTo(5, 1);
  await page.keyboard.press('Control+Alt+KeyX');
  check(await editorHasLine('- [x] Add rate limiting [P0]'), 'Ctrl+Alt+X toggled the task on line 5', await readEditor());
  await shot('04-after-toggle-keybinding');
  mark('toggle keybinding');

  // 11. the `Check item` code action with Ctrl+. on line 7
  await focusEditor();
  await goTo(7, 3);
  const checkItem = await pickAction(() => page.keyboard.press('Control+.'), (t) => t === 'Check item' || t.startsWith('Check item\n'));
  if (check(checkItem.index >= 0, 'Ctrl+. offers Check item', checkItem.titles.join(' | '))) {
    await actionRows().nth(checkItem.index).click();
    check(await editorHasLine('- [x] Write the README'), 'Check item checked line 7', await readEditor());
  }

  // 12. the status bar follows the edits
  const status2 = await waitFor(async () => { const s = await statusText(); return s !== status ? s : ''; }, 10_000);
  const [done1, total1] = (status2 || status).split(' ')[0].split('/').map(Number);
  check(done1 > done0 && total1 >= total0, 'status bar counts the newly checked tasks', `${status} -> ${status2}`);

  // 13. save, and read the file back from disk
  await page.keyboard.press('Control+S');
  const disk = await waitFor(() => { const d = roadmapOnDisk(); return d.includes('- [x] Write the README') ? d : ''; }, 10_000);
  fs.writeFileSync(path.join(OUT, 'ROADMAP.after.md'.replace(/\.md$/, '.txt')), disk || roadmapOnDisk());
  check(disk.includes('- [ ] Setup Redis server locally') && disk.includes('- [x] Add rate limiting [P0]') && disk.includes('- [x] Write the README'),
    'the saved file has all three edits');
  mark('edits verified');

  // 14. Show Item History: a read-only timeline document, or a clear message if the command fails
  await focusEditor();
  await goTo(5, 1);
  await runCommand('Tickmark: Show Item History');
  // The timeline opens beside the roadmap, read-only; it names the task and when it was added.
  const historyText = await waitFor(async () => {
    const tab = await page.locator('.editor-group-container.active .tab.active').first().innerText().catch(() => '');
    if (!tab.includes('history')) return '';
    const text = await page.evaluate(() => [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n'));
    return text.includes('Add rate limiting') ? text : '';
  }, 15_000);
  await collectToasts();
  fs.writeFileSync(path.join(OUT, 'history.txt'), `${historyText}\n`);
  check(/Add rate limiting/.test(historyText) && /added|Start the roadmap/.test(historyText),
    'Show Item History opens the task\'s timeline', historyText || [...seenToasts].join(' | '));
  // It is in the history language, for which the extension turns word wrap on.
  const mode = await page.evaluate(() => [...document.querySelectorAll('.part.statusbar .statusbar-item')].map((e) => e.textContent.trim()));
  check(mode.includes('Tickmark History'), 'the history view is in the wrapping Tickmark History language', mode.join(' | '));
  await shot('05-item-history');
  await page.keyboard.press('Escape');

  // 15. the keybinding clashes with no VS Code default: the Keyboard Shortcuts editor,
  // searched for the exact key, lists only the tickmark command
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+S');
  await page.waitForSelector('.keybindings-editor', { timeout: 15_000 });
  await sleep(500);
  await page.keyboard.type('"ctrl+alt+x"');
  const bound = await filteredShortcuts(page);
  fs.writeFileSync(path.join(OUT, 'keybindings-ctrl-alt-x.txt'), `${bound.join('\n')}\n`);
  check(bound.length === 1 && bound[0].includes('Toggle Task at Cursor'), 'Ctrl+Alt+X is bound to the tickmark toggle only', bound.join(' | '));
  await shot('06-keybinding-no-clash');
  await page.keyboard.press('Control+W');

  // 15b. the same on macOS: a second tab that reports a Mac user agent gets VS Code's macOS
  // keybindings; searched for ⌥⌘X, only the tickmark toggle is listed
  const mac = await context.newPage();
  const cdp = await context.newCDPSession(mac);
  await cdp.send('Emulation.setUserAgentOverride', {
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    platform: 'MacIntel',
  });
  await mac.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await mac.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });
  await mac.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  await mac.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } });
  await mac.keyboard.press('Meta+K'); // ⌘K ⌘S: only a workbench in macOS mode opens the editor with these
  await mac.keyboard.press('Meta+S');
  await mac.waitForSelector('.keybindings-editor', { timeout: 15_000 })
    .catch(async (e) => { await mac.screenshot({ path: path.join(OUT, 'failure-macos.png') }); throw e; });
  await sleep(500);
  await mac.keyboard.type('"alt+cmd+x"');
  const macBound = await filteredShortcuts(mac);
  fs.writeFileSync(path.join(OUT, 'keybindings-mac-alt-cmd-x.txt'), `${macBound.join('\n')}\n`);
  check(macBound.length === 1 && macBound[0].includes('Toggle Task at Cursor') && macBound[0].includes('⌘'),
    'on macOS, ⌥⌘X is bound to the tickmark toggle only', macBound.join(' | '));
  await mac.screenshot({ path: path.join(OUT, '06b-keybinding-no-clash-macos.png') });
  await mac.close();

  // 15c. and on Windows (a tab with a Windows user agent gets VS Code's Windows keymap)
  const win = await context.newPage();
  await (await context.newCDPSession(win)).send('Emulation.setUserAgentOverride', {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    platform: 'Win32',
  });
  await win.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await win.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 120_000 });
  check(/Windows/.test(await win.evaluate(() => navigator.userAgent)), 'the second tab reports Windows');
  await win.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } });
  await win.keyboard.press('Control+K');
  await win.keyboard.press('Control+S');
  await win.waitForSelector('.keybindings-editor', { timeout: 15_000 });
  await sleep(500);
  await win.keyboard.type('"ctrl+alt+x"');
  const winBound = await filteredShortcuts(win);
  fs.writeFileSync(path.join(OUT, 'keybindings-windows-ctrl-alt-x.txt'), `${winBound.join('\n')}\n`);
  check(winBound.length === 1 && winBound[0].includes('Toggle Task at Cursor'),
    'on Windows, Ctrl+Alt+X is bound to the tickmark toggle only', winBound.join(' | '));
  await win.close();

  // 16. bad input: a server that crashes after starting is restarted four times, reported
  // once, and after the fifth crash left stopped with a Restart button (no restart loop)
  // Point tickmark.server.path at a binary (the extension restarts), collect the notifications.
  const withServer = async (binary, until, ms) => {
    await runCommand('Notifications: Clear All Notifications');
    await sleep(500);
    seenToasts.clear();
    writeSettings({ 'tickmark.server.path': binary });
    await waitFor(async () => { await collectToasts(); return [...seenToasts].some(until); }, ms);
    await sleep(4000); // anything more that would come (a restart loop) comes now
    await collectToasts();
    return [...seenToasts].filter((t) => t.startsWith('tickmark'));
  };
  const script = (name, body) => { const f = path.join(tmp, name); fs.writeFileSync(f, `#!/bin/sh\nif [ "$1" = --version ]; then exec "${TICKMARK_BIN}" --version; fi\n${body}\n`, { mode: 0o755 }); return f; };
  const crashes = await withServer(script('tickmark-crashes-after-2s', `exec timeout -s KILL 2 "${TICKMARK_BIN}" "$@"`), (t) => /will not be restarted/.test(t), 60_000);
  fs.writeFileSync(path.join(OUT, 'notifications-crashing-server.txt'), `${crashes.join('\n')}\n`);
  check(crashes.length === 2 && /stopped unexpectedly/.test(crashes[0]) && /crashed 5 times/.test(crashes[1]),
    'a server crashing 5 times: one warning, then one final error, no more restarts', crashes.join(' | '));
  await shot('07-crashing-server');

  // 16b. bad input: a server that dies while starting is reported once, not restarted
  const dies = await withServer(script('tickmark-dies-at-start', 'echo "simulated failure" >&2; exit 101'), (t) => /failed to start/.test(t), 20_000);
  fs.writeFileSync(path.join(OUT, 'notifications-dying-server.txt'), `${dies.join('\n')}\n`);
  check(dies.length === 1 && /failed to start/.test(dies[0]), 'a server that dies at start is reported once', dies.join(' | '));
  check(dies.length === 1 && /exit code 101/.test(dies[0]) && /simulated failure/.test(dies[0]) && !/disposed/.test(dies[0]),
    "the start failure shows the server's exit code and standard error", dies.join(' | '));
  const buttons = await toastButtons();
  check(buttons.includes('Show Output'), 'the start failure offers Show Output', buttons.join(' | '));
  const stderrLines = outputChannelLog().split('\n').filter((l) => l.includes('simulated failure'));
  check(stderrLines.length >= 1 && stderrLines.length === new Set(stderrLines.map((l) => l.replace(/^\S+ \S+ /, ''))).size,
    "the server's standard error is in the output channel, once per start", stderrLines.join(' | ') || 'not there');
  await shot('07b-server-dies-at-start');

  // 17. bad input: a missing binary is reported once, with the fix
  const missing = await withServer(path.join(tmp, 'no-such-tickmark'), (t) => t.includes('no-such-tickmark'), 15_000);
  check(missing.length === 1 && /tickmark\.server\.path/.test(missing[0]), 'a missing binary is reported once, naming the setting', missing.join(' | '));
  await shot('08-missing-server');
  mark('bad input');
} catch (e) {
  failed++;
  console.error(e);
  await page.screenshot({ path: path.join(OUT, 'failure.png') }).catch(() => {});
  const dom = await page.evaluate(() => [...document.querySelectorAll('[class*="ightbulb"], [class*="ightBulb"]')]
    .map((e) => e.outerHTML.slice(0, 400)).join('\n')).catch(() => '');
  fs.writeFileSync(path.join(OUT, 'failure-lightbulb-dom.txt'), dom);
} finally {
  await context.close().catch(() => {});
  stopServer();
  fs.writeFileSync(path.join(OUT, 'timings.json'), JSON.stringify(timings, null, 2));
  // the extension's output channel (client log and the server's stderr), of every window
  fs.writeFileSync(path.join(OUT, 'tickmark-output-channel.log'), outputChannelLog());
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
