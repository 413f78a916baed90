// Preloaded with --require: this process has no libpq binding (an optional dependency whose native
// build failed), as on a host installed without libpq-dev.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'libpq') {
    const err = new Error(`Cannot find module '${request}'`);
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  }
  return load.call(this, request, ...rest);
};
