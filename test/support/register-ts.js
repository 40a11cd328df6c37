/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS require hook, loaded with node -r */
// Lets a child Node process run the TypeScript sources directly, as jest does (swc, CommonJS, legacy
// decorators), and resolves the sources' "./x.js" imports to "./x.ts". Used to run a worker in its own process
// so a test can kill it outright.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request.startsWith('.') && request.endsWith('.js') && parent && parent.filename) {
    const ts = path.resolve(path.dirname(parent.filename), request.replace(/\.js$/, '.ts'));
    if (fs.existsSync(ts)) return ts;
  }
  return resolve.call(this, request, parent, ...rest);
};

// Transformed files are kept on disk, keyed by the file, its content, swc's version and these options: a test
// that starts several processes (scale-out starts four at once) transforms each of the app's files once, not once
// per process.
const OPTIONS = {
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
const CACHE = path.join(require('node:os').tmpdir(), 'partner-returns-swc');
fs.mkdirSync(CACHE, { recursive: true });

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = require('node:crypto')
    .createHash('sha256')
    .update(JSON.stringify([swc.version, OPTIONS, filename]))
    .update(source)
    .digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    ({ code } = swc.transformSync(source, { ...OPTIONS, filename }));
    // Written beside and renamed over: a process reading it at the same time sees all of it or none.
    const partial = `${cached}.${process.pid}`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  }
  module._compile(code, filename);
};
