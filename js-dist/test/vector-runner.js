// Runs the shared core test vectors (core/src/test/resources/vectors/*.json) against the public JS
// API of a loaded core. Environment-agnostic: used by Node tests (test/vectors.test.mjs) and by the
// Chromium tests (tests-browser). The JVM runs the same files in core's VectorsTest; the format is
// described in docs/test-vectors.md.

function resolve(arg, vars) {
  if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
    if ('$ref' in arg) return vars.get(arg.$ref);
    if ('$bytes' in arg) return Uint8Array.from(arg.$bytes);
  }
  return arg;
}

// Results and expectations compared as JSON with object keys sorted, bytes as {"$bytes": [...]},
// and undefined as null (the JVM has one null for "absent" and JSON null).
function normalize(v) {
  if (v instanceof Uint8Array) return { $bytes: Array.from(v) };
  if (Array.isArray(v)) return v.map(normalize);
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = normalize(v[k]);
    return out;
  }
  return v;
}

function perform(core, step, vars) {
  if ('new' in step) {
    const Type = core[step.type];
    if (typeof Type !== 'function') throw new Error(`unknown type ${step.type}`);
    return new Type(step.options ?? {});
  }
  const [name, member] = (step.get ?? step.call).split('.', 2);
  const target = vars.get(name) ?? core[name]; // an object made by a step, or a static type (FractionalIndex)
  if (!target) throw new Error(`no object or type named ${name}`);
  if ('get' in step) return target[member];
  if (typeof target[member] !== 'function') throw new Error(`${name} has no method ${member}`);
  return target[member](...(step.args ?? []).map((a) => resolve(a, vars)));
}

/** Runs one vector; throws an Error describing the first step that does not behave as written. */
export function runVector(core, vector) {
  const vars = new Map();
  vector.steps.forEach((step, i) => {
    const where = `${vector.name}: step ${i} ${JSON.stringify(step)}`;
    let result;
    let error = null;
    try {
      result = perform(core, step, vars);
    } catch (e) {
      error = e;
    }
    if ('throws' in step) {
      if (!error) throw new Error(`${where}: expected ${step.throws}, got ${JSON.stringify(normalize(result))}`);
      if (error.code !== step.throws) throw new Error(`${where}: expected ${step.throws}, got ${error.code}: ${error.message}`);
      return;
    }
    if (error) throw new Error(`${where}: unexpected ${error.name} ${error.code}: ${error.message}`, { cause: error });
    if ('new' in step) vars.set(step.new, result);
    if ('save' in step) vars.set(step.save, result);
    if ('expect' in step) {
      const want = JSON.stringify(normalize(resolve(step.expect, vars)));
      const got = JSON.stringify(normalize(result));
      if (want !== got) throw new Error(`${where}: expected ${want}, got ${got}`);
    }
  });
}

const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Protocol frame vectors (protocol.json): decode to the message, canonical ones encode back to the hex. */
export function runFrame(core, f) {
  const got = JSON.stringify(normalize(core.Protocol.decodeFrame(fromHex(f.hex), f.limits ?? {})));
  const want = JSON.stringify(normalize(f.message));
  if (got !== want) throw new Error(`${f.name}: decoded ${got}, expected ${want}`);
  if (f.canonical) {
    const hex = toHex(core.Protocol.encodeFrame(f.message));
    if (hex !== f.hex) throw new Error(`${f.name}: encoded ${hex}, expected ${f.hex}`);
  }
}

export function runMalformed(core, f) {
  let error = null;
  try {
    core.Protocol.decodeFrame(fromHex(f.hex), f.limits ?? {});
  } catch (e) {
    error = e;
  }
  if (!error) throw new Error(`${f.name}: decoded, expected ${f.error}`);
  if (error.code !== f.error) throw new Error(`${f.name}: expected ${f.error}, got ${error.code}: ${error.message}`);
}

/** Runs every vector of every suite; returns { passed, failures: [{ suite, name, message }] }. */
export function runSuites(core, suites) {
  let passed = 0;
  const failures = [];
  for (const [suite, { frames = [], malformed = [] }] of Object.entries(suites)) {
    for (const [cases, run] of [[frames, runFrame], [malformed, runMalformed]]) {
      for (const f of cases) {
        try {
          run(core, f);
          passed++;
        } catch (e) {
          failures.push({ suite, name: f.name, message: e.message });
        }
      }
    }
  }
  for (const [suite, { vectors }] of Object.entries(suites)) {
    for (const vector of vectors) {
      try {
        runVector(core, vector);
        passed++;
      } catch (e) {
        failures.push({ suite, name: vector.name, message: e.message });
      }
    }
  }
  return { passed, failures };
}
