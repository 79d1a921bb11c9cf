// `npm run bench -- [name...]`: runs the named benchmarks (all by default),
// prints a table per benchmark and writes bench/results/<name>.json.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, writeJson, type BenchRow } from './report.js';
import { benchStorage } from './storage.js';
import { benchScheduler } from './scheduler.js';
import { benchKubelet } from './kubelet.js';
import { benchClient } from './client.js';
import { benchControllers } from './controllers.js';
import { benchApiServer } from './apiserver.js';
import { benchContainers } from './containers.js';
import { benchStreaming } from './streaming.js';
import { benchScale } from './scale.js';

const benchmarks: Record<string, () => Promise<BenchRow[]>> = {
  storage: benchStorage,
  scheduler: benchScheduler,
  kubelet: benchKubelet,
  client: benchClient,
  controllers: benchControllers,
  apiserver: benchApiServer,
  containers: benchContainers,
  streaming: benchStreaming,
  scale: benchScale,
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(benchmarks)) {
  const run = benchmarks[name];
  if (!run) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  const rows = await run();
  console.log(printTable(name, rows));
  const out = join(root, 'bench', 'results', `${name}.json`);
  writeJson(out, rows);
  console.log(`\nwritten ${out}`);
}
process.exit(0);
