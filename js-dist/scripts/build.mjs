// Assembles dist/ from the TeaVM outputs (web-sdk/target/teavm) and src/, shrinks the engines (terser,
// binaryen wasm-opt), bundles the script-tag build with esbuild, and prints the gzipped size of each
// shipped artifact. Also assembles target/dist-test, the same with the test engine (web-sdk/target/teavm-test).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const teavm = resolve(process.env.SYNCKIT_ENGINE_DIR ?? join(root, '../web-sdk/target/teavm'));
const dist = join(root, 'dist');

const engineFiles = { 'js/core.js': 'core.js', 'wasm/core.wasm': 'core.wasm', 'wasm/core.wasm-runtime.js': 'core.wasm-runtime.js' };

/**
 * Copies src/ and the engine built in `from_` (a TeaVM output folder) into `out`, then patches and
 * shrinks the engine. Returns the path of the optimised wasm module.
 */
async function assemble(from_, out) {
  for (const from of Object.keys(engineFiles)) {
    if (!existsSync(join(from_, from))) {
      console.error(`missing ${join(from_, from)}: build the engine first (mvn -B -pl web-sdk -am package)`);
      process.exit(1);
    }
  }

  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'engine'), { recursive: true });
  for (const [from, to] of Object.entries(engineFiles)) cpSync(join(from_, from), join(out, 'engine', to));
  for (const f of readdirSync(join(root, 'src'))) cpSync(join(root, 'src', f), join(out, f));

  // TeaVM's JS runtime wraps every exported method as f.apply(null, [this].concat(slice(arguments))):
  // two arrays per call, 13% of TextDoc's apply time on automerge-paper. Same behaviour, no arrays.
  const coreJs = join(out, 'engine/core.js');
  const receiverCall = /([\w$]+)\.apply\(null,\s*\[this\]\.concat\(Array\.prototype\.slice\.call\(arguments\)\)\)/;
  const engineSource = readFileSync(coreJs, 'utf8');
  if (!receiverCall.test(engineSource)) {
    console.error(`${coreJs}: TeaVM's exported-method wrapper changed; update the patch in scripts/build.mjs`);
    process.exit(1);
  }
  writeFileSync(coreJs, engineSource.replace(receiverCall, '$1(this, ...arguments)'));

  // TeaVM's minifier renames but does not compress; terser's compress passes take ~8% off the gzipped
  // JS engine (44.4 -> 40.8 KB measured 2026-12-04). Exports keep their names (module: true).
  const { minify } = await import('terser');
  // The same for the wasm-gc runtime TeaVM ships (already minified; ~4% smaller).
  for (const file of [coreJs, join(out, 'engine/core.wasm-runtime.js')]) {
    const squeezed = await minify(readFileSync(file, 'utf8'), { module: true, compress: { passes: 2 }, mangle: true });
    writeFileSync(file, squeezed.code);
  }

  // binaryen's wasm-opt on the wasm-gc module, without inlining: measured 2026-12-04, -Oz --converge took the
  // gzipped module from 56.2 to 50.7 KB. Inlining is off because binaryen's inlining-optimizing turns try/catch
  // into try_table blocks with results, which Node 22's V8 runs into an 'unreachable' trap (the sync
  // tests fail); the check below refuses any module that has one.
  const wasmOpt = join(root, 'node_modules/binaryen/bin');
  const coreWasm = join(out, 'engine/core.wasm');
  const features = ['--enable-gc', '--enable-reference-types', '--enable-exception-handling', '--enable-bulk-memory',
    '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals'];
  const noInlining = ['--always-inline-max-function-size=0', '--one-caller-inline-max-function-size=0',
    '--flexible-inline-max-function-size=0'];
  execFileSync(process.execPath, [join(wasmOpt, 'wasm-opt'), coreWasm, ...features, '-Oz', '--converge', ...noInlining, '--strip-debug',
    '--strip-producers', '-o', coreWasm], { stdio: 'inherit' });
  const text = execFileSync(process.execPath, [join(wasmOpt, 'wasm-dis'), ...features, coreWasm], { maxBuffer: 1 << 30 }).toString();
  if (/try_table \(result/.test(text)) {
    console.error(`${coreWasm}: wasm-opt produced a try_table with a result; see the note in scripts/build.mjs`);
    process.exit(1);
  }
  return coreWasm;
}

const coreWasm = await assemble(teavm, dist);
// The engine with the Protocol export, for the protocol test vectors (test/vectors.test.mjs and the
// browser tests); never shipped. Built the same way, so the vectors test what ships.
const teavmTest = join(teavm, '../teavm-test');
if (existsSync(teavmTest)) await assemble(teavmTest, join(root, 'target/dist-test'));

await build({
  entryPoints: [join(dist, 'script-tag.js')],
  outfile: join(dist, 'synckit.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  external: ['node:*'],
  // engine.js resolves the wasm URL against import.meta.url only when no wasmUrl is given; the
  // script-tag entry always gives one, so the empty import.meta of an IIFE is never read.
  logOverride: { 'empty-import-meta': 'silent' },
  legalComments: 'none',
});
cpSync(coreWasm, join(dist, 'synckit.wasm'));
rmSync(join(dist, 'script-tag.js'));
rmSync(join(dist, 'script-tag.d.ts'), { force: true });

// Sizes users pay for, per way of loading SyncKit.
const gz = (files) => files.reduce((n, f) => n + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
const raw = (files) => files.reduce((n, f) => n + statSync(join(dist, f)).size, 0);
const loader = ['index.js', 'core.js', 'engine.js', 'errors.js', 'values.js'];
const artifacts = {
  'ESM, JS engine (loader + engine/core.js)': [...loader, 'engine/core.js'],
  'ESM, wasm-gc engine (loader + engine/core.wasm + engine/core.wasm-runtime.js)': [...loader, 'engine/core.wasm', 'engine/core.wasm-runtime.js'],
  '  of which engine/core.wasm': ['engine/core.wasm'],
  '  of which engine/core.wasm-runtime.js': ['engine/core.wasm-runtime.js'],
  'script tag, JS engine (synckit.js)': ['synckit.js'],
  'script tag, wasm-gc engine (synckit.js + synckit.wasm)': ['synckit.js', 'synckit.wasm'],
};
const sizes = {};
console.log('SyncKit artifact sizes (bytes; gzip -9):');
for (const [name, files] of Object.entries(artifacts)) {
  sizes[name] = { raw: raw(files), gzip: gz(files) };
  console.log(`  ${name.padEnd(80)} ${String(sizes[name].raw).padStart(8)} raw ${String(sizes[name].gzip).padStart(8)} gzip`);
}
mkdirSync(join(root, 'target'), { recursive: true });
writeFileSync(join(root, 'target', 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
