// A child process for the crash test: opens the store, creates keys without
// pause from several concurrent writers, and prints `ack KEY REVISION` for
// each acknowledged write until it is killed.
import { openStore, type StoreConfig } from './open.js';

const [configJson, prefix, firstIndex, writers] = process.argv.slice(2);
const config = JSON.parse(configJson) as StoreConfig;
const store = await openStore(config);
let next = Number(firstIndex);

async function writer(): Promise<never> {
  while (true) {
    const key = `${prefix}${String(next++).padStart(8, '0')}`;
    const kv = await store.create(key, new TextEncoder().encode(`value of ${key}`));
    process.stdout.write(`ack ${key} ${kv.modRevision}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: Number(writers) }, writer));
