/**
 * The tickmark extension: starts `tickmark lsp` over stdio for roadmap markdown files and
 * adds the commands, the status-bar progress and the crash policy around it.
 *
 * Everything that can be decided without VS Code lives in the pure modules beside this
 * one (config, server, status, toggle, crash) and is unit-tested there; this file only
 * wires them to the editor. `startClient`/`stopClient` are the single way the server is
 * started and stopped, and the `tickmark.restart` command is the user's way in.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { buildServerSettings, roadmapDocumentSelector, type MarkdownFilter } from './config';
import { CrashPolicy, OnceNotifier } from './crash';
import { findServer, installDocsUrl, judgeVersion, lookupFailureMessage } from './server';
import { exitWithin, spawnServer, startFailureMessage, type ServerProcess } from './startup';
import { formatStatus, type DocumentStats } from './status';
import { toggleArguments } from './toggle';

/** The command the server offers (SPEC §3); vscode-languageclient registers it itself. */
const SERVER_TOGGLE_COMMAND = 'tickmark.toggleTask';
const HISTORY_SCHEME = 'tickmark-history';
/** The language of the history view: `package.json` turns word wrap on for it. */
const HISTORY_LANGUAGE = 'tickmark-history';

let client: QuietLanguageClient | undefined;
/** The process of the current server, kept for its standard error and to end it. */
let serverProcess: ServerProcess | undefined;
let serverPath: string | undefined;
let selector: MarkdownFilter[] = [];
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let lifecycle: Promise<void> = Promise.resolve();
const crashes = new CrashPolicy();
const notices = new OnceNotifier();
const historyDocuments = new Map<string, string>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('tickmark', { log: true });
  statusItem = vscode.window.createStatusBarItem('tickmark.progress', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'tickmark progress';
  statusItem.command = 'workbench.action.gotoSymbol';
  context.subscriptions.push(output, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('tickmark.toggleTaskAtCursor', toggleTaskAtCursor),
    vscode.commands.registerCommand('tickmark.restart', () => restart(context, 'restart requested')),
    vscode.commands.registerCommand('tickmark.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('tickmark.showHistory', () => showHistory(context)),
    vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, {
      provideTextDocumentContent: (uri) => historyDocuments.get(uri.toString()) ?? '',
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tickmark.server.path') || e.affectsConfiguration('tickmark.roadmaps') || e.affectsConfiguration('tickmark.trace.server')) {
        void restart(context, 'settings changed');
      } else if (e.affectsConfiguration('tickmark')) {
        void notifySettingsChanged();
        scheduleStatusUpdate();
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => scheduleStatusUpdate(0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) scheduleStatusUpdate();
    }),
  );

  await queue(() => startClient(context));
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}

/** Start and stop run one at a time, in order. */
function queue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

function restart(context: vscode.ExtensionContext, why: string): Promise<void> {
  output.info(`${why}: restarting the server`);
  crashes.reset();
  notices.reset();
  return queue(async () => {
    await stopClient();
    await startClient(context);
  });
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  statusItem.hide();
  if (!running) return;
  try {
    if (running.state !== State.Stopped) await running.stop(2000);
  } catch (e) {
    output.warn(`stopping the server: ${errorText(e)}`);
  }
  // The extension started the process itself (to keep its standard error), so it also
  // ends one that did not exit after `shutdown`/`exit`.
  const proc = serverProcess;
  serverProcess = undefined;
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
    if (!(await exitWithin(proc, 1000))) proc.child.kill();
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration('tickmark');
  const lookup = findServer({
    settingPath: config.get<string>('server.path'),
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: os.homedir(),
    pathEnv: process.env.PATH,
    platform: process.platform,
    isExecutable,
  });
  if (!lookup.found) {
    serverPath = undefined;
    const repository = (context.extension.packageJSON as { repository?: { url?: string } }).repository;
    reportStartFailure(lookupFailureMessage(lookup), undefined, lookup.reason === 'not-found' ? installDocsUrl(repository?.url) : undefined);
    return;
  }
  serverPath = lookup.path;
  output.info(`server: ${lookup.path} (from ${lookup.source})`);

  let versionOutput: string;
  try {
    versionOutput = await run(lookup.path, ['--version'], undefined, 10_000);
  } catch (e) {
    reportStartFailure(`tickmark: \`${lookup.path} --version\` failed (${errorText(e)}). Point \`tickmark.server.path\` at a working tickmark binary.`);
    return;
  }
  const verdict = judgeVersion(lookup.path, versionOutput);
  if (!verdict.ok) {
    reportStartFailure(verdict.message);
    return;
  }
  output.info(`server version ${verdict.version}`);

  selector = roadmapDocumentSelector(config.get('roadmaps'));
  // Whether this client's server ever finished starting: one that dies while starting is a
  // start failure (reported once, not restarted), not a crash.
  const started = { hasRun: false };
  const binary = lookup.path;
  // Started here rather than by the client, to keep the end of its standard error for the
  // message when it fails to start (the client still logs each line in the output channel).
  let spawned: ServerProcess | undefined;
  const serverOptions: ServerOptions = async () => {
    spawned = await spawnServer(binary, ['lsp'], { ...process.env, RUST_BACKTRACE: '1' });
    serverProcess = spawned;
    return spawned.child;
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: selector,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: serverSettings(),
    middleware: {
      workspace: {
        // The server asks for the `tickmark` section: answer with the SPEC §6 keys the user set.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, i) => (item.section === 'tickmark' ? serverSettings() : answers[i]));
        },
      },
    },
    errorHandler: {
      error: (error, _message, count) => {
        output.error(`connection error: ${errorText(error)}`);
        return { action: (count ?? 0) < 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed: () => onServerClosed(started.hasRun),
    },
    // Reported by the `start()` failure below, with the server's standard error.
    initializationFailedHandler: (error) => {
      output.error(`initialize failed: ${errorText(error)}`);
      return false;
    },
  };

  const next = new QuietLanguageClient('tickmark', 'tickmark', serverOptions, clientOptions);
  client = next;
  next.onDidChangeState((e) => {
    if (e.newState === State.Running) started.hasRun = true;
  });
  try {
    await next.start();
    output.info('server started');
    scheduleStatusUpdate(0);
  } catch (e) {
    if (client === next) client = undefined;
    // The last of its standard error arrives with its exit, which may come a moment after
    // the client gave up on the connection.
    const exit = spawned ? await exitWithin(spawned, 2000) : undefined;
    reportStartFailure(startFailureMessage(binary, errorText(e), spawned?.stderr.lines() ?? [], exit?.code, exit?.signal), 'start-failed');
  }
}

/**
 * vscode-languageclient shows notifications of its own ("couldn't create connection to
 * server", "crashed 5 times"); this extension reports those cases itself, once, so the
 * client's messages only go to the output channel.
 */
class QuietLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown): void {
    super.error(message, data, false);
  }
}

/** The crash policy: report once, restart a few times, then stop and let the user decide. */
function onServerClosed(hasRun: boolean): { action: CloseAction; handled: boolean } {
  if (!hasRun) {
    // It died while starting: the start failure is reported (once) by startClient.
    output.error('the server exited while starting');
    return { action: CloseAction.DoNotRestart, handled: true };
  }
  const decision = crashes.recordCrash();
  output.error(`the server stopped unexpectedly (crash ${decision.crashes})`);
  statusItem.hide();
  if (decision.notify === 'first') {
    void vscode.window
      .showWarningMessage('tickmark: the language server stopped unexpectedly and was restarted.', 'Show Output')
      .then((choice) => choice && output.show(true));
  } else if (decision.notify === 'gave-up') {
    void vscode.window
      .showErrorMessage(`tickmark: the language server crashed ${decision.crashes} times and will not be restarted automatically.`, 'Restart', 'Show Output')
      .then((choice) => {
        if (choice === 'Restart') void vscode.commands.executeCommand('tickmark.restart');
        if (choice === 'Show Output') output.show(true);
      });
  }
  return { action: decision.restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
}

/** A server that cannot start is reported once (until the user restarts), with the fixes. */
function reportStartFailure(message: string, key = message, installDocs?: string): void {
  output.error(message);
  if (!notices.shouldShow(key)) return;
  const actions = installDocs ? ['How to Install', 'Open Settings', 'Show Output'] : ['Open Settings', 'Restart', 'Show Output'];
  void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
    if (choice === 'How to Install' && installDocs) void vscode.env.openExternal(vscode.Uri.parse(installDocs));
    if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'tickmark.server.path');
    if (choice === 'Restart') void vscode.commands.executeCommand('tickmark.restart');
    if (choice === 'Show Output') output.show(true);
  });
}

/** Sends the settings the user set, the same object `workspace/configuration` answers with. */
async function notifySettingsChanged(): Promise<void> {
  if (!client || client.state !== State.Running) return;
  try {
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { tickmark: serverSettings() } });
  } catch (e) {
    output.warn(`sending the settings: ${errorText(e)}`);
  }
}

function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('tickmark');
  return buildServerSettings((key) => {
    const v = config.inspect(key);
    return v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue;
  });
}

function runningClient(): LanguageClient | undefined {
  if (client && client.state === State.Running) return client;
  const message = serverPath ? 'tickmark: the language server is not running.' : 'tickmark: no language server was found.';
  void vscode.window.showWarningMessage(message, 'Restart', 'Show Output').then((choice) => {
    if (choice === 'Restart') void vscode.commands.executeCommand('tickmark.restart');
    if (choice === 'Show Output') output.show(true);
  });
  return undefined;
}

async function toggleTaskAtCursor(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  if (selector.length > 0 && vscode.languages.match(selector, editor.document) === 0) {
    void vscode.window.showInformationMessage('tickmark: this file is not a roadmap; the `tickmark.roadmaps` setting lists the files tickmark serves.');
    return;
  }
  const running = runningClient();
  if (!running) return;
  const uri = editor.document.uri.toString();
  for (const args of toggleArguments(uri, editor.selections)) {
    try {
      await running.sendRequest(ExecuteCommandRequest.type, { command: SERVER_TOGGLE_COMMAND, arguments: [args] });
    } catch (e) {
      output.error(`toggle failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`tickmark: toggling the task failed (${errorText(e)}).`);
      return;
    }
  }
}

async function showHistory(context: vscode.ExtensionContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('tickmark: open a roadmap file and put the cursor on a task to see its history.');
    return;
  }
  const binary = serverPath ?? (await queue(() => startClient(context)).then(() => serverPath));
  if (!binary) return;
  const file = editor.document.uri.fsPath;
  const line = editor.selection.active.line + 1;
  const cwd = vscode.workspace.getWorkspaceFolder(editor.document.uri)?.uri.fsPath ?? path.dirname(file);
  let text: string;
  try {
    text = await run(binary, ['history', `${file}:${line}`], cwd, 30_000);
  } catch (e) {
    output.error(`history failed: ${errorText(e)}`);
    void vscode.window.showErrorMessage(`tickmark: \`tickmark history\` failed for line ${line} (${errorText(e)}).`, 'Show Output').then((choice) => choice && output.show(true));
    return;
  }
  const uri = vscode.Uri.from({ scheme: HISTORY_SCHEME, path: `/${path.basename(file)}:${line} history`, query: String(Date.now()) });
  historyDocuments.set(uri.toString(), text);
  const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), HISTORY_LANGUAGE);
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

// Status bar: the active roadmap's progress, from `tickmark/stats`.
let statusTimer: NodeJS.Timeout | undefined;
let statusRequest = 0;

function scheduleStatusUpdate(delay = 300): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void updateStatus(), delay);
}

async function updateStatus(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const enabled = vscode.workspace.getConfiguration('tickmark').get<boolean>('statusBar.enabled', true);
  const running = client && client.state === State.Running ? client : undefined;
  if (!enabled || !editor || !running || vscode.languages.match(selector, editor.document) === 0) {
    statusItem.hide();
    return;
  }
  const request = ++statusRequest;
  try {
    const stats = await running.sendRequest<DocumentStats>('tickmark/stats', { uri: editor.document.uri.toString() });
    if (request !== statusRequest) return;
    const { text, tooltip } = formatStatus(stats);
    statusItem.text = text;
    statusItem.tooltip = tooltip;
    statusItem.show();
  } catch (e) {
    if (request !== statusRequest) return;
    statusItem.hide();
    if (notices.shouldShow('stats-failed')) output.warn(`tickmark/stats failed: ${errorText(e)}`);
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function run(binary: string, args: string[], cwd: string | undefined, timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd, timeout, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr || error.message).trim()));
      else resolve(stdout);
    });
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
