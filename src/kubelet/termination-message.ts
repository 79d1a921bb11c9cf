// A terminated container's message (upstream kuberuntime getTerminationMessage
// and readLastStringFromContainerLogs): what the container wrote to its
// terminationMessagePath — a file the kubelet created and mounted there — and,
// with terminationMessagePolicy FallbackToLogsOnError, the tail of its log when
// it failed without writing one. Everything goes through the runtime interface
// and the container's mounts, so every runtime gets the same treatment: a host
// file, or one the runtime keeps in memory (hollow nodes).
import { open } from 'node:fs/promises';
import type { ContainerStatus, Mount, RuntimeService } from './runtime/types.js';

/** Upstream's container annotations, read back after the container exited. */
export const ANNOTATION_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const ANNOTATION_TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';

/** What one container may write to its termination message file (its last 4 KiB are kept). */
export const MAX_CONTAINER_TERMINATION_MESSAGE_LENGTH = 4 * 1024;
/** A log tail used as the message: at most 80 lines, and of those the last 2 KiB. */
export const MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LINES = 80;
export const MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LENGTH = 2 * 1024;
/** All of a pod's messages together: 12 KiB, split evenly between its containers. */
export const MAX_POD_TERMINATION_MESSAGE_LENGTH = 12 * 1024;

/** The last `max` bytes of a file. */
export async function readFileTail(path: string, max: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The last `max` bytes of a text. */
export function lastBytes(text: string, max: number): string {
  const buf = Buffer.from(text);
  return buf.length <= max ? text : buf.subarray(buf.length - max).toString('utf8');
}

/** The first `max` bytes of a text (the status manager's per-container share). */
export function firstBytes(text: string, max: number): string {
  const buf = Buffer.from(text);
  return buf.length <= max ? text : buf.subarray(0, max).toString('utf8');
}

/** The last `max` bytes of the file behind a container's mount: on the host, or in the runtime's memory (throws ENOENT when it is missing). */
export async function readMountTail(runtime: Pick<RuntimeService, 'readMountedFile'>, containerId: string, mount: Mount, max: number): Promise<string> {
  if (mount.content === undefined) return readFileTail(mount.hostPath, max);
  if (!runtime.readMountedFile) throw new Error(`the runtime cannot read ${mount.containerPath}: it keeps no files in memory`);
  return runtime.readMountedFile(containerId, mount.containerPath, max);
}

export interface TerminationMessageSources {
  /** The container's log, its last `tailLines` lines. */
  readLogTail(containerId: string, tailLines: number): Promise<string>;
  /** The last `max` bytes of the file behind the container's mount (throws ENOENT when it is missing). */
  readMountTail(mount: Mount, max: number): Promise<string>;
}

/** The message from the termination message file, and whether the log tail should be used instead. */
async function fromFile(status: ContainerStatus, path: string, fallbackToLogs: boolean, sources: TerminationMessageSources): Promise<{ message: string; checkLogs: boolean }> {
  const mount = path ? status.mounts?.find((m) => m.containerPath === path) : undefined;
  if (!mount) return { message: '', checkLogs: fallbackToLogs };
  try {
    const data = await sources.readMountTail(mount, MAX_CONTAINER_TERMINATION_MESSAGE_LENGTH);
    return { message: data, checkLogs: fallbackToLogs && data.length === 0 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { message: '', checkLogs: fallbackToLogs };
    return { message: `Error on reading termination log ${mount.hostPath || mount.containerPath}: ${(err as Error).message}`, checkLogs: false };
  }
}

/** An exited container's message: the runtime's own (if any), then what the container left as its termination message. */
export async function terminationMessage(status: ContainerStatus, sources: TerminationMessageSources): Promise<string> {
  const path = status.annotations[ANNOTATION_TERMINATION_MESSAGE_PATH] ?? '';
  // A container that could not even start has no log to fall back to.
  const fallbackToLogs = status.annotations[ANNOTATION_TERMINATION_MESSAGE_POLICY] === 'FallbackToLogsOnError' && status.exitCode !== 0 && status.reason !== 'ContainerCannotRun';
  const fromFileResult = await fromFile(status, path, fallbackToLogs, sources);
  let message = fromFileResult.message;
  if (fromFileResult.checkLogs) {
    try {
      message = lastBytes(await sources.readLogTail(status.id, MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LINES), MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LENGTH);
    } catch (err) {
      message = `Error on reading termination message from logs: ${(err as Error).message}`;
    }
  }
  if (!message) return status.message;
  return status.message ? `${status.message}: ${message}` : message;
}
