// Containers of a pod spec (upstream validateContainers, validateInitContainers,
// validateEphemeralContainers and validateContainerCommon).
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { isConfigMapKey, isDNS1123Label, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from '../../machinery/validation.js';
import { ENV_FIELD_PATHS, validateLocalDescendingPath, validateObjectFieldSelector, validateResourceFieldSelector } from './paths.js';
import { validateResourceRequirements } from './resources.js';
import { validateContainerSecurityContext } from './security.js';
import { isMap, listOf, mapOf, mapsOf, numberOf, stringOf, type JsonMap } from './util.js';
import type { VolumeMap } from './volume.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/** What container validation needs to know about the pod around it. */
export interface ContainerContext {
  volumes: VolumeMap;
  claimNames: ReadonlySet<string>;
  gracePeriod: number | undefined;
  restartPolicy: string;
  hostUsers: boolean;
}

function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  mapsOf(ports).forEach((port, i) => {
    const idx = path.index(i);
    const name = stringOf(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => FieldError.invalid(idx.child('name'), name, m)));
      else if (names.has(name)) errs.push(FieldError.duplicate(idx.child('name'), name));
      else names.add(name);
    }
    const containerPort = numberOf(port.containerPort) ?? 0;
    if (containerPort === 0) errs.push(FieldError.required(idx.child('containerPort')));
    else errs.push(...isValidPortNum(containerPort).map((m) => FieldError.invalid(idx.child('containerPort'), containerPort, m)));
    const hostPort = numberOf(port.hostPort) ?? 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => FieldError.invalid(idx.child('hostPort'), hostPort, m)));
    errs.push(...validateProtocol(port.protocol, idx.child('protocol')));
  });
  return errs;
}

export function validateProtocol(protocol: unknown, path: FieldPath): FieldError[] {
  const p = stringOf(protocol);
  if (!p) return [FieldError.required(path)];
  return PROTOCOLS.includes(p) ? [] : [FieldError.notSupported(path, p, PROTOCOLS)];
}

/** RelaxedEnvironmentVariableValidation (on by default since 1.32): printable ASCII but '='. */
export function isRelaxedEnvVarName(name: string): string[] {
  const errs: string[] = [];
  if (name.length === 0) errs.push('environment variable name must be non-empty');
  if ([...name].some((c) => c < ' ' || c > '~' || c === '=')) {
    errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
  }
  return errs;
}

function validateKeySelector(selector: JsonMap, path: FieldPath): FieldError[] {
  const name = stringOf(selector.name);
  const errs = nameIsDNSSubdomain(name, false).map((m) => FieldError.invalid(path.child('name'), name, m));
  const key = stringOf(selector.key);
  if (!key) errs.push(FieldError.required(path.child('key')));
  else errs.push(...isConfigMapKey(key).map((m) => FieldError.invalid(path.child('key'), key, m)));
  return errs;
}

function validateEnvValueFrom(env: JsonMap, path: FieldPath): FieldError[] {
  if (!isMap(env.valueFrom)) return [];
  const from = env.valueFrom;
  const errs: FieldError[] = [];
  let sources = 0;
  if (isMap(from.fieldRef)) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, path.child('fieldRef')));
  }
  if (isMap(from.resourceFieldRef)) {
    sources++;
    errs.push(...validateResourceFieldSelector(from.resourceFieldRef, path.child('resourceFieldRef'), false));
  }
  for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
    if (!isMap(from[kind])) continue;
    sources++;
    errs.push(...validateKeySelector(from[kind], path.child(kind)));
  }
  if (sources === 0) {
    errs.push(FieldError.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (stringOf(env.value) !== '') {
    errs.push(FieldError.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(FieldError.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

export function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  return mapsOf(env).flatMap((e, i) => {
    const idx = path.index(i);
    const name = stringOf(e.name);
    const errs = name === '' ? [FieldError.required(idx.child('name'))] : isRelaxedEnvVarName(name).map((m) => FieldError.invalid(idx.child('name'), name, m));
    return errs.concat(validateEnvValueFrom(e, idx.child('valueFrom')));
  });
}

function validateEnvFrom(envFrom: unknown, path: FieldPath): FieldError[] {
  return mapsOf(envFrom).flatMap((e, i) => {
    const idx = path.index(i);
    const prefix = stringOf(e.prefix);
    const errs = prefix ? isRelaxedEnvVarName(prefix).map((m) => FieldError.invalid(idx.child('prefix'), prefix, m)) : [];
    let sources = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      if (!isMap(e[kind])) continue;
      sources++;
      const name = stringOf(e[kind].name);
      if (!name) errs.push(FieldError.required(idx.child(kind, 'name')));
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => FieldError.invalid(idx.child(kind, 'name'), name, m)));
    }
    if (sources === 0) errs.push(FieldError.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(FieldError.invalid(path, '', 'may not have more than one field specified at a time'));
    return errs;
  });
}

function validateMountPropagation(mode: unknown, container: JsonMap, path: FieldPath): FieldError[] {
  const supported = ['Bidirectional', 'HostToContainer', 'None'];
  const errs = supported.includes(stringOf(mode)) ? [] : [FieldError.notSupported(path, mode, supported)];
  const privileged = mapOf(container.securityContext).privileged === true;
  if (mode === 'Bidirectional' && !privileged) {
    errs.push(FieldError.forbidden(path, 'Bidirectional mount propagation is available only to privileged containers'));
  }
  return errs;
}

function validateRecursiveReadOnly(mount: JsonMap, path: FieldPath): FieldError[] {
  const rro = mount.recursiveReadOnly;
  if (rro === undefined || rro === null || rro === 'Disabled') return [];
  if (rro !== 'Enabled' && rro !== 'IfPossible') return [FieldError.notSupported(path, rro, ['Disabled', 'Enabled', 'IfPossible'])];
  const errs: FieldError[] = [];
  if (mount.readOnly !== true) errs.push(FieldError.forbidden(path, 'may only be specified when readOnly is true'));
  if (mount.mountPropagation !== undefined && mount.mountPropagation !== null && mount.mountPropagation !== 'None') {
    errs.push(FieldError.forbidden(path, 'may only be specified when mountPropagation is None or not specified'));
  }
  return errs;
}

function validateVolumeMount(mount: JsonMap, i: number, seen: Set<string>, devices: Map<string, string>, container: JsonMap, path: FieldPath, volumes: VolumeMap): FieldError[] {
  const idx = path.index(i);
  const name = stringOf(mount.name);
  const mountPath = stringOf(mount.mountPath);
  const errs: FieldError[] = [];
  if (!name) errs.push(FieldError.required(idx.child('name')));
  if (!volumes.has(name)) errs.push(FieldError.notFound(idx.child('name'), name));
  if (!mountPath) errs.push(FieldError.required(idx.child('mountPath')));
  if (seen.has(mountPath)) errs.push(FieldError.invalid(idx.child('mountPath'), mountPath, 'must be unique'));
  seen.add(mountPath);
  if (devices.has(name)) errs.push(FieldError.invalid(idx.child('name'), name, 'must not already exist in volumeDevices'));
  if ([...devices.values()].includes(mountPath)) {
    errs.push(FieldError.invalid(idx.child('mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
  }
  const subPath = stringOf(mount.subPath);
  const subPathExpr = stringOf(mount.subPathExpr);
  if (isMap(volumes.get(name)?.image)) {
    if (subPath) errs.push(FieldError.invalid(idx.child('subPath'), subPath, 'not allowed in image volume sources'));
    if (subPathExpr) errs.push(FieldError.invalid(idx.child('subPathExpr'), subPathExpr, 'not allowed in image volume sources'));
  }
  // Upstream reports these below the list's path, without the index.
  if (subPath) errs.push(...validateLocalDescendingPath(subPath, path.child('subPath')));
  if (subPathExpr) {
    if (subPath) errs.push(FieldError.invalid(idx.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    errs.push(...validateLocalDescendingPath(subPathExpr, path.child('subPathExpr')));
  }
  if (mount.mountPropagation !== undefined && mount.mountPropagation !== null) {
    errs.push(...validateMountPropagation(mount.mountPropagation, container, path.child('mountPropagation')));
  }
  return errs.concat(validateRecursiveReadOnly(mount, path.child('recursiveReadOnly')));
}

function validateVolumeMounts(container: JsonMap, path: FieldPath, volumes: VolumeMap): FieldError[] {
  const devices = new Map(mapsOf(container.volumeDevices).map((d) => [stringOf(d.name), stringOf(d.devicePath)]));
  const seen = new Set<string>();
  return mapsOf(container.volumeMounts).flatMap((m, i) => validateVolumeMount(m, i, seen, devices, container, path, volumes));
}

function validateVolumeDevices(container: JsonMap, path: FieldPath, volumes: VolumeMap): FieldError[] {
  const mounts = new Map(mapsOf(container.volumeMounts).map((m) => [stringOf(m.name), stringOf(m.mountPath)]));
  const paths = new Set<string>();
  const names = new Set<string>();
  const errs: FieldError[] = [];
  mapsOf(container.volumeDevices).forEach((dev, i) => {
    const idx = path.index(i);
    const name = stringOf(dev.name);
    const devicePath = stringOf(dev.devicePath);
    const source = volumes.get(name);
    if (!name) errs.push(FieldError.required(idx.child('name')));
    if (names.has(name)) errs.push(FieldError.invalid(idx.child('name'), name, 'must be unique'));
    if (source && !isMap(source.persistentVolumeClaim) && !isMap(source.ephemeral)) {
      errs.push(FieldError.invalid(idx.child('name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!source) errs.push(FieldError.notFound(idx.child('name'), name));
    if (!devicePath) errs.push(FieldError.required(idx.child('devicePath')));
    if (paths.has(devicePath)) errs.push(FieldError.invalid(idx.child('devicePath'), devicePath, 'must be unique'));
    if (devicePath && devicePath.split('/').includes('..')) {
      errs.push(FieldError.invalid(idx.child('devicePath'), devicePath, "can not contain backsteps ('..')"));
    } else paths.add(devicePath);
    if (mounts.has(name)) errs.push(FieldError.invalid(idx.child('name'), name, 'must not already exist in volumeMounts'));
    if ([...mounts.values()].includes(devicePath)) {
      errs.push(FieldError.invalid(idx.child('devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    }
    if (name) names.add(name);
  });
  return errs;
}

export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => FieldError.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => FieldError.invalid(path, port, m));
  return isValidPortNum(0).map((m) => FieldError.invalid(path, 0, m));
}

function validateHTTPGet(action: JsonMap, path: FieldPath): FieldError[] {
  const errs = stringOf(action.path) ? [] : [FieldError.required(path.child('path'))];
  errs.push(...validatePortNumOrName(action.port, path.child('port')));
  const scheme = stringOf(action.scheme);
  if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(FieldError.notSupported(path.child('scheme'), scheme, ['HTTP', 'HTTPS']));
  for (const header of mapsOf(action.httpHeaders)) {
    const name = stringOf(header.name);
    if (!/^[-A-Za-z0-9]+$/.test(name)) {
      const msg = "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')";
      errs.push(FieldError.invalid(path.child('httpHeaders'), name, msg));
    }
  }
  return errs;
}

function validateSleep(sleep: JsonMap, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const seconds = numberOf(sleep.seconds) ?? 0;
  if (gracePeriod === undefined || (seconds >= 0 && seconds <= gracePeriod)) return [];
  return [FieldError.invalid(path, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)];
}

/** Exactly one handler: exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(handler: JsonMap, kinds: readonly string[], gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    if (!isMap(handler[kind])) continue;
    if (count > 0) {
      errs.push(FieldError.forbidden(path.child(kind), 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const action = handler[kind] as JsonMap;
    const actionPath = path.child(kind);
    if (kind === 'exec' && listOf(action.command).length === 0) errs.push(FieldError.required(actionPath.child('command')));
    if (kind === 'httpGet') errs.push(...validateHTTPGet(action, actionPath));
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(action.port, actionPath.child('port')));
    if (kind === 'grpc') errs.push(...validatePortNumOrName(numberOf(action.port) ?? 0, actionPath.child('port')));
    if (kind === 'sleep') errs.push(...validateSleep(action, gracePeriod, actionPath));
  }
  if (count === 0) errs.push(FieldError.required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateProbe(probe: JsonMap, kind: 'liveness' | 'readiness' | 'startup', gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs = validateHandler(probe, PROBE_HANDLERS, gracePeriod, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = numberOf(probe[f]) ?? 0;
    if (v < 0) errs.push(FieldError.invalid(path.child(f), v, 'must be greater than or equal to 0'));
  }
  const tgps = numberOf(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(FieldError.invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (kind !== 'readiness' && (numberOf(probe.successThreshold) ?? 0) !== 1) {
    errs.push(FieldError.invalid(path.child('successThreshold'), numberOf(probe.successThreshold) ?? 0, 'must be 1'));
  }
  if (kind === 'readiness' && probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds !== null) {
    errs.push(FieldError.invalid(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

/** Lifecycle hooks and probes, allowed on regular containers and sidecars. */
function validateLifecycleAndProbes(container: JsonMap, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isMap(container.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      const handler = container.lifecycle[hook];
      if (isMap(handler)) errs.push(...validateHandler(handler, LIFECYCLE_HANDLERS, gracePeriod, path.child('lifecycle', hook)));
    }
  }
  for (const kind of ['liveness', 'readiness', 'startup'] as const) {
    const probe = container[`${kind}Probe`];
    if (isMap(probe)) errs.push(...validateProbe(probe, kind, gracePeriod, path.child(`${kind}Probe`)));
  }
  return errs;
}

function validateResizePolicy(policies: unknown, path: FieldPath, restartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  mapsOf(policies).forEach((p, i) => {
    const resource = stringOf(p.resourceName);
    const policy = stringOf(p.restartPolicy);
    if (seen.has(resource)) errs.push(FieldError.duplicate(path.index(i), resource));
    seen.add(resource);
    if (!resource) errs.push(FieldError.required(path));
    else if (resource !== 'cpu' && resource !== 'memory') errs.push(FieldError.notSupported(path, resource, ['cpu', 'memory']));
    if (!policy) errs.push(FieldError.required(path));
    else if (policy !== 'NotRequired' && policy !== 'RestartContainer') {
      errs.push(FieldError.notSupported(path, policy, ['NotRequired', 'RestartContainer']));
    }
    if (restartPolicy === 'Never' && policy !== 'NotRequired') {
      errs.push(FieldError.invalid(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

/** validateContainerCommon: what every kind of container must satisfy. */
function validateContainerCommon(container: JsonMap, path: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringOf(container.name);
  if (!name) errs.push(FieldError.required(path.child('name')));
  else errs.push(...isDNS1123Label(name).map((m) => FieldError.invalid(path.child('name'), name, m)));
  if (!stringOf(container.image)) errs.push(FieldError.required(path.child('image')));
  const tmp = stringOf(container.terminationMessagePolicy);
  if (!tmp) errs.push(FieldError.required(path.child('terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(FieldError.notSupported(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(container.ports, path.child('ports')));
  errs.push(...validateEnv(container.env, path.child('env')));
  errs.push(...validateEnvFrom(container.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(container, path.child('volumeMounts'), ctx.volumes));
  errs.push(...validateVolumeDevices(container, path.child('volumeDevices'), ctx.volumes));
  const policy = stringOf(container.imagePullPolicy);
  if (!policy) errs.push(FieldError.required(path.child('imagePullPolicy')));
  else if (!PULL_POLICIES.includes(policy)) errs.push(FieldError.notSupported(path.child('imagePullPolicy'), policy, PULL_POLICIES));
  errs.push(...validateResourceRequirements(container.resources, path.child('resources'), ctx.claimNames));
  errs.push(...validateResizePolicy(container.resizePolicy, path.child('resizePolicy'), ctx.restartPolicy));
  return errs.concat(validateContainerSecurityContext(container.securityContext, path.child('securityContext'), ctx.hostUsers));
}

/** Host ports may not repeat (protocol, hostIP, port) within the containers checked together. */
function checkHostPortConflicts(containers: JsonMap[], path: FieldPath): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    mapsOf(c.ports).forEach((port, pi) => {
      const hostPort = numberOf(port.hostPort) ?? 0;
      if (hostPort === 0) return;
      const key = `${stringOf(port.protocol)}/${stringOf(port.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(FieldError.duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      seen.add(key);
    });
  });
  return errs;
}

export function validateContainers(containers: unknown, path: FieldPath, ctx: ContainerContext): FieldError[] {
  const list = mapsOf(containers);
  if (list.length === 0) return [FieldError.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const idx = path.index(i);
    errs.push(...validateContainerCommon(c, idx, ctx));
    const name = stringOf(c.name);
    if (names.has(name)) errs.push(FieldError.duplicate(idx.child('name'), name));
    names.add(name);
    errs.push(...validateLifecycleAndProbes(c, ctx.gracePeriod, idx));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(FieldError.forbidden(idx.child('restartPolicy'), 'may not be set for non-init containers'));
    }
  });
  return errs.concat(checkHostPortConflicts(list, path));
}

export function isRestartableInitContainer(container: unknown): boolean {
  return mapOf(container).restartPolicy === 'Always';
}

const INIT_FORBIDDEN = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'];

export function validateInitContainers(containers: unknown, regular: unknown, path: FieldPath, ctx: ContainerContext): FieldError[] {
  const names = new Set(mapsOf(regular).map((c) => stringOf(c.name)));
  const errs: FieldError[] = [];
  mapsOf(containers).forEach((c, i) => {
    const idx = path.index(i);
    errs.push(...validateContainerCommon(c, idx, ctx));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null && c.restartPolicy !== 'Always') {
      errs.push(FieldError.notSupported(idx.child('restartPolicy'), c.restartPolicy, ['Always']));
    }
    const name = stringOf(c.name);
    if (names.has(name)) errs.push(FieldError.duplicate(idx.child('name'), name));
    else if (name) names.add(name);
    // Init containers run one at a time, so each is checked alone (and upstream indexes it as 0).
    errs.push(...checkHostPortConflicts([c], path));
    if (isRestartableInitContainer(c)) errs.push(...validateLifecycleAndProbes(c, ctx.gracePeriod, idx));
    else {
      for (const f of INIT_FORBIDDEN) {
        if (c[f] !== undefined && c[f] !== null) errs.push(FieldError.forbidden(idx.child(f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

/** Fields an ephemeral container may not set. */
const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy'];

function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

export function validateImageWhitespace(container: JsonMap, path: FieldPath): FieldError[] {
  const image = stringOf(container.image);
  return image.trim() !== image ? [FieldError.invalid(path.child('image'), image, 'must not have leading or trailing whitespace')] : [];
}

export function validateEphemeralContainers(spec: JsonMap, path: FieldPath, ctx: ContainerContext): FieldError[] {
  const others = new Set([...mapsOf(spec.containers), ...mapsOf(spec.initContainers)].map((c) => stringOf(c.name)));
  const all = new Set(others);
  const errs: FieldError[] = [];
  mapsOf(spec.ephemeralContainers).forEach((c, i) => {
    const idx = path.index(i);
    errs.push(...validateContainerCommon(c, idx, ctx));
    errs.push(...validateImageWhitespace(c, idx));
    const name = stringOf(c.name);
    if (all.has(name)) errs.push(FieldError.duplicate(idx.child('name'), name));
    else all.add(name);
    const target = stringOf(c.targetContainerName);
    if (target && !others.has(target)) errs.push(FieldError.notFound(idx.child('targetContainerName'), target));
    for (const f of EPHEMERAL_FORBIDDEN) {
      if (isSet(c[f])) errs.push(FieldError.forbidden(idx.child(f), 'cannot be set for an Ephemeral Container'));
    }
    mapsOf(c.volumeMounts).forEach((m, j) => {
      for (const f of ['subPath', 'subPathExpr']) {
        if (stringOf(m[f])) errs.push(FieldError.forbidden(idx.child('volumeMounts').index(j).child(f), 'cannot be set for an Ephemeral Container'));
      }
    });
  });
  return errs;
}

/** Names of a pod's readiness gates are qualified names. */
export function validateReadinessGates(gates: unknown, path: FieldPath): FieldError[] {
  return mapsOf(gates).flatMap((g, i) => {
    const type = stringOf(g.conditionType);
    return isQualifiedName(type).map((m) => FieldError.invalid(path.index(i).child('conditionType'), type, m));
  });
}
