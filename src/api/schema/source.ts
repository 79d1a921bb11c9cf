// Where the schemas come from: the `kubernetes-models` package (generated from
// upstream's OpenAPI document of Kubernetes 1.33) ships every API type as a
// TypeScript declaration whose JSDoc holds upstream's description, plus compiled
// validators that still know each integer's format. Both are read as data at
// run time and turned into upstream-named OpenAPI definitions.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { readDeclarations, type TsDeclaration } from './dts.js';

/** One declaration with the upstream definition name it stands for. */
export interface SourceDeclaration extends TsDeclaration {
  /** Upstream definition name: `io.k8s.api.core.v1.Container`. */
  definition: string;
  /** The compiled validator of the type, when the package ships one. */
  validatorSource?: () => string;
}

const require = createRequire(import.meta.url);

function packageDir(name: string, from?: string): string {
  const resolver = from ? createRequire(join(from, 'package.json')) : require;
  return dirname(resolver.resolve(`${name}/package.json`));
}

/** Directories of the two packages: the API types and apimachinery's. */
export function sourcePackages(): { models: string; apimachinery: string } {
  const models = packageDir('kubernetes-models');
  return { models, apimachinery: packageDir('@kubernetes-models/apimachinery', models) };
}

/** Version of the API types, from the package that ships them. */
export function sourceVersion(): string {
  const pkg = JSON.parse(readFileSync(join(sourcePackages().models, 'package.json'), 'utf8')) as { version: string };
  return `kubernetes-models@${pkg.version}`;
}

function declarationFiles(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '_schemas' && entry.name !== 'node_modules') files.push(...declarationFiles(path));
    } else if (entry.name.endsWith('.d.ts') && entry.name !== 'index.d.ts') {
      files.push(path);
    }
  }
  return files;
}

/** Upstream's Go package of a kubernetes-models directory: `apps/v1` → `io.k8s.api.apps.v1`. */
function modelsPackage(dir: string[]): string {
  if (dir.length === 1) return `io.k8s.api.core.${dir[0]}`;
  const [group, version] = dir;
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  if (group === 'apiregistration.k8s.io') return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}`;
  return `io.k8s.api.${group.split('.')[0]}.${version}`;
}

function apimachineryPackage(dir: string[]): string {
  return ['io.k8s.apimachinery.pkg', ...dir].join('.');
}

/** `io.k8s.api.core.v1.Container` → `IoK8sApiCoreV1Container`, as the generator names it. */
export function pascalName(definition: string): string {
  return definition
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function readPackage(root: string, packageOf: (dir: string[]) => string): SourceDeclaration[] {
  const found: SourceDeclaration[] = [];
  for (const file of declarationFiles(root)) {
    const dir = relative(root, dirname(file)).split(sep).filter(Boolean);
    for (const d of readDeclarations(readFileSync(file, 'utf8'))) {
      const definition = `${packageOf(dir)}.${d.name}`;
      if (d.alias !== `I${pascalName(definition)}`) continue;
      found.push({ ...d, definition, validatorSource: validatorReader(root, d.alias.slice(1)) });
    }
  }
  return found;
}

function validatorReader(root: string, name: string): (() => string) | undefined {
  const path = join(root, '_schemas', `${name}.js`);
  return existsSync(path) ? () => readFileSync(path, 'utf8') : undefined;
}

/** Every declaration of both packages. */
export function readSource(): SourceDeclaration[] {
  const { models, apimachinery } = sourcePackages();
  return [...readPackage(apimachinery, apimachineryPackage), ...readPackage(models, modelsPackage)];
}
