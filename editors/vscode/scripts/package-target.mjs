// Packages a platform-specific .vsix with the tickmark server inside, as rust-analyzer, ruff
// and taplo ship theirs: the extension starts `server/tickmark` (`server/tickmark.exe` on
// Windows) when `tickmark.server.path` is empty, so the user needs no Rust toolchain.
//
//   node scripts/package-target.mjs <target>      (npm run package:linux-x64, …)
//
// <target> is a VS Code platform (`vsce package --target`): linux-x64, linux-arm64,
// linux-armhf, alpine-x64, alpine-arm64, darwin-x64, darwin-arm64, win32-x64, win32-arm64.
// The server binary is $TICKMARK_BIN when set (it must be built for <target>), else
// `cargo build --release --locked --target <rust triple>` in the repository root, which
// needs that Rust target installed (`rustup target add <triple>`) and a linker for it; in
// practice each target is built on its own platform. Writes dist/tickmark-<target>.vsix.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** VS Code platform → Rust target triple. */
export const TARGETS = {
  'linux-x64': 'x86_64-unknown-linux-gnu',
  'linux-arm64': 'aarch64-unknown-linux-gnu',
  'linux-armhf': 'armv7-unknown-linux-gnueabihf',
  'alpine-x64': 'x86_64-unknown-linux-musl',
  'alpine-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
  'win32-arm64': 'aarch64-pc-windows-msvc',
};

/** The executable format each platform loads, from the file's first bytes. */
export function binaryFormat(head) {
  if (head.length >= 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF') return 'elf';
  if (head.length >= 2 && head.toString('latin1', 0, 2) === 'MZ') return 'pe';
  if (head.length >= 4 && [0xfeedfacf, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(head.readUInt32BE(0))) return 'mach-o';
  return 'unknown';
}

export function expectedFormat(target) {
  if (target.startsWith('win32-')) return 'pe';
  if (target.startsWith('darwin-')) return 'mach-o';
  return 'elf';
}

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionRoot = path.resolve(here, '..');
const repoRoot = path.resolve(extensionRoot, '..', '..');

function fail(message) {
  console.error(`package-target: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  execFileSync(command, args, { stdio: 'inherit', ...options });
}

function main() {
  const target = process.argv[2];
  if (!target || !(target in TARGETS)) fail(`usage: package-target.mjs <target>; targets: ${Object.keys(TARGETS).join(', ')}`);
  const triple = TARGETS[target];
  const exe = target.startsWith('win32-') ? 'tickmark.exe' : 'tickmark';

  let binary = process.env.TICKMARK_BIN;
  if (binary) {
    binary = path.resolve(repoRoot, binary);
  } else {
    run('cargo', ['build', '--release', '--locked', '--target', triple], { cwd: repoRoot });
    binary = path.join(repoRoot, 'target', triple, 'release', exe);
  }
  if (!fs.existsSync(binary)) fail(`no server binary at ${binary}`);
  const head = Buffer.alloc(4);
  const fd = fs.openSync(binary, 'r');
  fs.readSync(fd, head, 0, 4, 0);
  fs.closeSync(fd);
  const format = binaryFormat(head);
  if (format !== expectedFormat(target)) fail(`${binary} is ${format === 'unknown' ? 'not an executable' : `a ${format} file`}, not a ${expectedFormat(target)} executable for ${target}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
  const hostTarget = `${process.platform}-${process.arch}`;
  if (hostTarget === target || (process.platform === 'linux' && target === `linux-${process.arch}`)) {
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`server: ${binary} (${version})`);
    if (!version.endsWith(` ${manifest.version}`)) fail(`the server says "${version}"; this extension is version ${manifest.version}, and both are released together`);
  }

  const serverDir = path.join(extensionRoot, 'server');
  const vsix = path.join(extensionRoot, 'dist', `tickmark-${target}.vsix`);
  fs.rmSync(serverDir, { recursive: true, force: true });
  fs.mkdirSync(serverDir, { recursive: true });
  try {
    fs.copyFileSync(binary, path.join(serverDir, exe));
    fs.chmodSync(path.join(serverDir, exe), 0o755);
    run(process.execPath, [path.join(extensionRoot, 'esbuild.mjs'), '--production'], { cwd: extensionRoot });
    run(process.execPath, [path.join(extensionRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies',
      '--target', target,
      '--baseContentUrl', 'https://github.com/tickmark-lsp/tickmark/blob/HEAD/editors/vscode',
      '--baseImagesUrl', 'https://github.com/tickmark-lsp/tickmark/raw/HEAD/editors/vscode',
      '-o', vsix], { cwd: extensionRoot });
  } finally {
    // A later plain `npm run package` must not pick up a binary for another platform.
    fs.rmSync(serverDir, { recursive: true, force: true });
  }
  console.log(`packaged ${path.relative(process.cwd(), vsix)} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
