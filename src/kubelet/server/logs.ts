// GET /containerLogs/{ns}/{pod}/{container}: the container's log with the
// PodLogOptions kubectl sends (follow, previous, tailLines, sinceSeconds,
// sinceTime, timestamps, limitBytes), streamed as it is read.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ReadOptions } from '../logs/cri-format.js';
import { readFileLog } from '../logs/file-log.js';
import { containerLogPath } from '../logs/manager.js';
import type { RuntimeService } from '../runtime/types.js';
import { containerInstances, parseContainerRef } from './containers.js';
import { HttpError } from './http.js';

function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `invalid ${name}: ${raw}`);
  return n;
}

function boolParam(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  return v === 'true' || v === '1';
}

export function readOptions(url: URL, now: Date = new Date()): ReadOptions {
  const sinceSeconds = intParam(url, 'sinceSeconds');
  const sinceTimeText = url.searchParams.get('sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeText) {
    sinceTime = new Date(sinceTimeText);
    if (Number.isNaN(sinceTime.getTime())) throw new HttpError(400, `invalid sinceTime: ${sinceTimeText}`);
  } else if (sinceSeconds !== undefined) {
    sinceTime = new Date(now.getTime() - sinceSeconds * 1000);
  }
  return {
    follow: boolParam(url, 'follow'),
    tailLines: intParam(url, 'tailLines'),
    limitBytes: intParam(url, 'limitBytes'),
    timestamps: boolParam(url, 'timestamps'),
    sinceTime,
  };
}

export async function serveContainerLogs(runtime: RuntimeService, res: ServerResponse, url: URL, parts: string[]): Promise<void> {
  const ref = parseContainerRef(parts);
  const options = readOptions(url);
  const previous = boolParam(url, 'previous');
  const instances = await containerInstances(runtime, ref);
  const target = previous ? instances.find((c, i) => i > 0 && c.state === 'CONTAINER_EXITED') : instances[0];
  if (!target) {
    throw new HttpError(400, previous ? `previous terminated container "${ref.container}" in pod "${ref.pod}" not found` : `container "${ref.container}" in pod "${ref.pod}" is waiting to start - no logs yet`);
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const follow = options.follow === true && !previous;
  let body;
  if (runtime.streamLogs) {
    body = runtime.streamLogs(target.id, { ...options, follow }, abort.signal);
  } else {
    const status = await runtime.containerStatus(target.id);
    const path = containerLogPath(target.labels, status.logPath);
    const running = async () => (await runtime.containerStatus(target.id).catch(() => undefined))?.state === 'CONTAINER_RUNNING';
    body = readFileLog(path, { ...options, follow }, running, abort.signal);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  await pipeline(body, res).catch(() => res.destroy());
}
