// WasmRuntime against the shared runtime contract, with busybox as the guest.

import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { WasmRuntime } from '../../runtime/index.js';
import { busybox } from '../helpers/images.js';
import { runtimeSuite } from './runtime-suite.js';

const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-cache-'));

runtimeSuite(t, {
  makeRuntime: () => new WasmRuntime({ cacheDir }),
  busybox: await busybox(),
});
