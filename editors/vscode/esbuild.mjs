// Bundles the extension and vscode-languageclient into one file, dist/extension.js.
//   node esbuild.mjs               development build (with source map)
//   node esbuild.mjs --production  what goes into the .vsix
import { build } from 'esbuild';

const production = process.argv.includes('--production');
await build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
});
