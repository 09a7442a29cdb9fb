#!/usr/bin/env node
// The VS Code side of `vscode-markdown-language-server`, for benches/editor.rs.
//
// The VS Code markdown server does not parse markdown itself: for every document it asks
// the client with a `markdown/parse` request, and VS Code answers with the markdown-it
// tokens of its own copy of the document. This script stands between the bench and the
// server: it starts the server as its child, passes every message through unchanged, keeps
// the open documents up to date from `didOpen`/`didChange`/`didClose` (with the same
// `vscode-languageserver-textdocument` the server uses), and answers `markdown/parse` with
// markdown-it tokens, configured as VS Code configures it (html, linkify), kept per
// document version as VS Code keeps them.
//
// Usage: node vscode-markdown-shim.js SERVER [ARGS...]
// `markdown-it` is looked up on the usual module path (NODE_PATH too), then beside SERVER's
// package (`npm install vscode-langservers-extracted markdown-it` in one folder).

'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const { createRequire } = require('module');
const url = require('url');

const [server, ...args] = process.argv.slice(2);
if (!server) {
  console.error('usage: node vscode-markdown-shim.js SERVER [ARGS...]');
  process.exit(2);
}
const besideServer = createRequire(fs.realpathSync(server));

function load(name) {
  for (const req of [require, besideServer]) {
    try {
      return req(name);
    } catch (_) {
      // try the next place
    }
  }
  console.error(
    `vscode-markdown-shim: the npm package ${name} is missing; ` +
      `install it beside vscode-langservers-extracted (npm install ${name})`,
  );
  process.exit(2);
}

const MarkdownIt = load('markdown-it');
const { TextDocument } = load('vscode-languageserver-textdocument');
const md = new MarkdownIt({ html: true, linkify: true });
md.linkify.set({ fuzzyLink: false });

const documents = new Map();
// Like VS Code's markdown engine, the tokens of an open document are kept for its version.
const tokens = new Map();

function tokenize({ uri, text }) {
  if (typeof text === 'string') return md.parse(text, {});
  const doc = documents.get(uri);
  if (!doc) {
    try {
      return md.parse(fs.readFileSync(url.fileURLToPath(uri), 'utf8'), {});
    } catch (_) {
      return [];
    }
  }
  const cached = tokens.get(uri);
  if (cached && cached.version === doc.version) return cached.tokens;
  const parsed = md.parse(doc.getText(), {});
  tokens.set(uri, { version: doc.version, tokens: parsed });
  return parsed;
}

// Reads Content-Length framed messages from `stream`; calls `onMessage(raw, json)`.
// Chunks are joined once per message, so a 10 MB didOpen is not copied per chunk.
function frames(stream, onMessage) {
  let chunks = [];
  let buffered = 0;
  let need = -1; // length of the message being read, header included, once known
  let headerEnd = 0;
  stream.on('data', (chunk) => {
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (need < 0) {
        const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        chunks = [head];
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const match = /content-length: *(\d+)/i.exec(head.toString('ascii', 0, end));
        need = end + 4 + Number(match[1]);
        headerEnd = end + 4;
      }
      if (buffered < need) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const raw = all.subarray(0, need);
      const rest = all.subarray(need);
      const body = raw.subarray(headerEnd);
      chunks = rest.length ? [rest] : [];
      buffered = rest.length;
      need = -1;
      onMessage(raw, JSON.parse(body.toString('utf8')));
      if (buffered === 0) return;
    }
  });
}

function send(stream, message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  stream.write(`Content-Length: ${body.length}\r\n\r\n`);
  stream.write(body);
}

const child = spawn(server, args, { stdio: ['pipe', 'pipe', 'ignore'] });
child.on('exit', (code) => process.exit(code ?? 0));
process.stdout.on('error', () => child.kill());
child.stdin.on('error', () => {});

frames(process.stdin, (raw, message) => {
  const params = message.params;
  switch (message.method) {
    case 'textDocument/didOpen': {
      const d = params.textDocument;
      documents.set(d.uri, TextDocument.create(d.uri, d.languageId, d.version, d.text));
      break;
    }
    case 'textDocument/didChange': {
      const doc = documents.get(params.textDocument.uri);
      if (doc) TextDocument.update(doc, params.contentChanges, params.textDocument.version);
      break;
    }
    case 'textDocument/didClose':
      documents.delete(params.textDocument.uri);
      tokens.delete(params.textDocument.uri);
      break;
    default:
  }
  child.stdin.write(raw);
});

frames(child.stdout, (raw, message) => {
  if (message.method === 'markdown/parse' && message.id !== undefined) {
    send(child.stdin, { jsonrpc: '2.0', id: message.id, result: tokenize(message.params) });
    return;
  }
  process.stdout.write(raw);
});

process.stdin.on('end', () => {
  child.stdin.end();
  setTimeout(() => child.kill('SIGKILL'), 2000).unref();
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    child.kill('SIGKILL');
    process.exit(1);
  });
}
