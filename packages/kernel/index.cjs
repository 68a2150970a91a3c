'use strict';
// The addon node-gyp built on install (see src/kernel.c). Linux only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = require('./build/Release/nslab_kernel.node');
