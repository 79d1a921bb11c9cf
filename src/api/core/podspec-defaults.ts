// Defaults of a PodSpec and what it contains (upstream pkg/apis/core/v1/defaults.go).
// Only the PodSpec part: pod-only defaults (enableServiceLinks, requests from
// limits, host ports) are applied by `defaultPod`.
import { ensureMap, isMap, listOf, mapsOf, setDefault, stringOf, type JsonMap } from './util.js';

/** The tag of an image reference, "latest" when none is given, "" with a digest. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const named = at < 0 ? image : image.slice(0, at);
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  if (colon >= 0) return named.slice(colon + 1);
  return at < 0 ? 'latest' : '';
}

export function defaultImagePullPolicy(image: string): string {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isMap(probe)) return;
  for (const [field, value] of [
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ] as const) {
    if (!probe[field]) probe[field] = value;
  }
  defaultHandler(probe);
}

/** Probe and lifecycle handlers: httpGet path "/" and scheme HTTP. */
function defaultHandler(handler: unknown): void {
  if (!isMap(handler) || !isMap(handler.httpGet)) return;
  setDefault(handler.httpGet, 'path', '/');
  setDefault(handler.httpGet, 'scheme', 'HTTP');
}

function defaultEnv(container: JsonMap): void {
  for (const env of mapsOf(container.env)) {
    const fieldRef = isMap(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isMap(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
  }
}

/** SetDefaults_Container, for regular, init and ephemeral containers alike. */
export function defaultContainer(container: JsonMap): void {
  setDefault(container, 'imagePullPolicy', defaultImagePullPolicy(stringOf(container.image)));
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  if (!isMap(container.resources)) container.resources = {};
  for (const port of mapsOf(container.ports)) setDefault(port, 'protocol', 'TCP');
  defaultEnv(container);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(container[probe]);
  if (isMap(container.lifecycle)) {
    defaultHandler(container.lifecycle.postStart);
    defaultHandler(container.lifecycle.preStop);
  }
}

const MODE_0644 = 0o644;

function defaultMode(source: unknown): void {
  if (isMap(source) && source.defaultMode === undefined) source.defaultMode = MODE_0644;
}

function defaultFieldRefs(items: unknown): void {
  for (const item of mapsOf(items)) {
    if (isMap(item.fieldRef)) setDefault(item.fieldRef, 'apiVersion', 'v1');
  }
}

function defaultProjected(projected: JsonMap): void {
  defaultMode(projected);
  for (const source of mapsOf(projected.sources)) {
    if (isMap(source.serviceAccountToken) && source.serviceAccountToken.expirationSeconds === undefined) {
      source.serviceAccountToken.expirationSeconds = 3600;
    }
    if (isMap(source.downwardAPI)) defaultFieldRefs(source.downwardAPI.items);
  }
}

/** Fields of VolumeSource in upstream's validation order; a volume with none of them is an emptyDir. */
export const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
] as const;

export function defaultVolume(volume: JsonMap): void {
  if (!VOLUME_SOURCES.some((s) => volume[s] !== undefined && volume[s] !== null)) volume.emptyDir = {};
  if (isMap(volume.secret)) defaultMode(volume.secret);
  if (isMap(volume.configMap)) defaultMode(volume.configMap);
  if (isMap(volume.downwardAPI)) {
    defaultMode(volume.downwardAPI);
    defaultFieldRefs(volume.downwardAPI.items);
  }
  if (isMap(volume.projected)) defaultProjected(volume.projected);
  if (isMap(volume.hostPath) && volume.hostPath.type === undefined) volume.hostPath.type = '';
  if (isMap(volume.image)) setDefault(volume.image, 'pullPolicy', imageTag(stringOf(volume.image.reference)) === 'latest' ? 'Always' : 'IfNotPresent');
  if (isMap(volume.ephemeral) && isMap(volume.ephemeral.volumeClaimTemplate)) {
    const spec = volume.ephemeral.volumeClaimTemplate.spec;
    if (isMap(spec)) setDefault(spec, 'volumeMode', 'Filesystem');
  }
}

/** SetDefaults_PodSpec and the defaults of everything nested in it, in place. */
export function defaultPodSpec(spec: Record<string, unknown>): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (!isMap(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = 30;
  }
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of listOf(spec[key])) if (isMap(c)) defaultContainer(c);
  }
  for (const v of listOf(spec.volumes)) if (isMap(v)) defaultVolume(v);
}

function requestsFromLimits(container: JsonMap): void {
  const resources = ensureMap(container, 'resources');
  if (!isMap(resources.limits)) return;
  const requests = ensureMap(resources, 'requests');
  for (const [name, value] of Object.entries(resources.limits)) if (!(name in requests)) requests[name] = value;
}

function hostNetworkPorts(containers: unknown): void {
  for (const c of mapsOf(containers)) {
    for (const port of mapsOf(c.ports)) if (!port.hostPort) port.hostPort = port.containerPort;
  }
}

/** SetDefaults_Pod: the defaults only a Pod gets, not a pod template. */
export function defaultPodOnly(spec: JsonMap): void {
  for (const key of ['containers', 'initContainers']) {
    for (const c of listOf(spec[key])) if (isMap(c)) requestsFromLimits(c);
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    hostNetworkPorts(spec.containers);
    hostNetworkPorts(spec.initContainers);
  }
}
