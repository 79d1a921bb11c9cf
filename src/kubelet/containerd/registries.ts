// k3s' registries.yaml (mirrors with endpoints, configs with auth and TLS) turned
// into containerd's registry configuration: a hosts.toml per mirrored registry
// under the config_path directory, and auth entries for the CRI plugin.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  identity_token?: string;
}

export interface RegistryTLS {
  cert_file?: string;
  key_file?: string;
  ca_file?: string;
  insecure_skip_verify?: boolean;
}

export interface Registries {
  mirrors: Record<string, { endpoint?: string[]; rewrite?: Record<string, string> }>;
  configs: Record<string, { auth?: RegistryAuth; tls?: RegistryTLS }>;
}

export function readRegistries(file: string): Registries {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { mirrors: {}, configs: {} };
  }
  const doc = (parse(text) ?? {}) as Partial<Registries>;
  return { mirrors: doc.mirrors ?? {}, configs: doc.configs ?? {} };
}

function tomlString(s: string): string {
  return JSON.stringify(s);
}

/** The host part of an endpoint URL ("127.0.0.1:5000" of "http://127.0.0.1:5000/v2"). */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

function tlsLines(tls: RegistryTLS | undefined): string[] {
  if (!tls) return [];
  const lines: string[] = [];
  if (tls.insecure_skip_verify) lines.push('  skip_verify = true');
  if (tls.ca_file) lines.push(`  ca = ${tomlString(tls.ca_file)}`);
  if (tls.cert_file && tls.key_file) lines.push(`  client = [[${tomlString(tls.cert_file)}, ${tomlString(tls.key_file)}]]`);
  return lines;
}

/** The default upstream server of a registry name, as containerd resolves it. */
function defaultServer(registry: string): string {
  return registry === 'docker.io' ? 'https://registry-1.docker.io' : `https://${registry}`;
}

/** hosts.toml for one registry: its mirrors first, then the registry itself. */
export function hostsToml(registry: string, registries: Registries): string {
  const mirror = registries.mirrors[registry] ?? {};
  const lines = [`server = ${tomlString(registry === '*' ? '' : defaultServer(registry))}`, ''];
  if (registry === '*') lines.shift();
  for (const endpoint of mirror.endpoint ?? []) {
    const url = /^[a-z]+:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
    lines.push(`[host.${tomlString(url)}]`, '  capabilities = ["pull", "resolve"]');
    if (url.startsWith('http://')) lines.push('  plain_http = true');
    lines.push(...tlsLines(registries.configs[hostOf(url)]?.tls), '');
  }
  return lines.join('\n');
}

/** Writes <certsDir>/<registry>/hosts.toml for every mirror and TLS-configured registry (replacing what was there). */
export function writeHostsDir(certsDir: string, registries: Registries): void {
  rmSync(certsDir, { recursive: true, force: true });
  mkdirSync(certsDir, { recursive: true });
  const names = new Set([...Object.keys(registries.mirrors), ...Object.keys(registries.configs).filter((h) => registries.configs[h].tls)]);
  for (const name of names) {
    const dir = join(certsDir, name === '*' ? '_default' : name);
    mkdirSync(dir, { recursive: true });
    let text = hostsToml(name, registries);
    // A registry with TLS settings but no mirror: the settings apply to the registry itself.
    if (!registries.mirrors[name] && registries.configs[name]?.tls) text += [`[host.${tomlString(defaultServer(name))}]`, '  capabilities = ["pull", "resolve", "push"]', ...tlsLines(registries.configs[name].tls), ''].join('\n');
    writeFileSync(join(dir, 'hosts.toml'), text);
  }
}

/** The CRI plugin's per-registry auth sections (config.toml). */
export function authToml(registries: Registries): string {
  const out: string[] = [];
  for (const [host, cfg] of Object.entries(registries.configs)) {
    if (!cfg.auth) continue;
    out.push(`[plugins."io.containerd.grpc.v1.cri".registry.configs.${tomlString(host)}.auth]`);
    for (const [k, v] of Object.entries(cfg.auth)) if (typeof v === 'string') out.push(`  ${k} = ${tomlString(v)}`);
    out.push('');
  }
  return out.join('\n');
}
