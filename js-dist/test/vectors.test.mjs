// The core test vectors on the JS and the wasm-gc builds, in Node 22, through the public API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The test engine: the shipped one plus the Protocol export the frame vectors need (scripts/build.mjs).
import { load } from '../target/dist-test/core.js';
import { runFrame, runMalformed, runVector } from './vector-runner.js';

const dir = fileURLToPath(new URL('../../core/src/test/resources/vectors/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('vector files exist', () => assert.ok(files.length > 0, `no vectors in ${dir}`));

for (const engine of ['js', 'wasm']) {
  test(`core vectors on the ${engine} engine`, async (t) => {
    const core = await load({ engine });
    assert.equal(core.engine, engine);
    for (const file of files) {
      const { vectors, frames = [], malformed = [] } = JSON.parse(readFileSync(dir + file, 'utf8'));
      for (const vector of vectors) {
        await t.test(`${file}: ${vector.name}`, () => runVector(core, vector));
      }
      for (const f of frames) await t.test(`${file}: frame ${f.name}`, () => runFrame(core, f));
      for (const f of malformed) await t.test(`${file}: malformed ${f.name}`, () => runMalformed(core, f));
    }
  });
}
