// The scheduler's cache: nodes and the pods placed on them (bound or only
// assumed), kept current by informer events. A scheduling cycle runs
// synchronously on it, so it is also the cycle's consistent snapshot.
import type { Labels } from '../machinery/labels.js';
import type { SharedLister } from './framework.js';
import { normalizedImageName } from './plugins/imagelocality.js';
import { NodeInfo } from './nodeinfo.js';
import { PodInfo } from './podinfo.js';
import type { Node, Pod } from './types.js';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache implements SharedLister {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private readonly imageNodes = new Map<string, Set<string>>();
  private readonly nodeImages = new Map<string, Map<string, number>>();
  private readonly namespaces = new Map<string, Labels>();
  private nodeList: NodeInfo[] | undefined;
  private affinityList: NodeInfo[] | undefined;
  private antiAffinityList: NodeInfo[] | undefined;

  // ---- SharedLister ----

  nodeInfos(): readonly NodeInfo[] {
    if (!this.nodeList) this.nodeList = [...this.nodes.values()].filter((n) => n.node !== undefined);
    return this.nodeList;
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    if (!this.affinityList) this.affinityList = this.nodeInfos().filter((n) => n.podsWithAffinity.length > 0);
    return this.affinityList;
  }

  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    if (!this.antiAffinityList) this.antiAffinityList = this.nodeInfos().filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    return this.antiAffinityList;
  }

  get(nodeName: string): NodeInfo | undefined {
    const n = this.nodes.get(nodeName);
    return n?.node ? n : undefined;
  }

  imageNumNodes(image: string): number {
    return this.imageNodes.get(image)?.size ?? 0;
  }

  imageSize(nodeName: string, image: string): number | undefined {
    return this.nodeImages.get(nodeName)?.get(image);
  }

  namespaceLabels(namespace: string): Labels | undefined {
    return this.namespaces.get(namespace);
  }

  // ---- namespaces ----

  setNamespace(name: string, labels: Labels | undefined): void {
    this.namespaces.set(name, labels ?? {});
  }

  removeNamespace(name: string): void {
    this.namespaces.delete(name);
  }

  // ---- nodes ----

  nodeCount(): number {
    return this.nodeInfos().length;
  }

  addOrUpdateNode(node: Node): void {
    const name = node.metadata.name ?? '';
    let info = this.nodes.get(name);
    if (!info) {
      info = new NodeInfo();
      this.nodes.set(name, info);
    }
    if (!info.node) this.nodeList = undefined;
    info.setNode(node);
    this.setImages(name, node);
    this.affinityList = this.antiAffinityList = undefined;
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.setImages(name, undefined);
    // Pods still bound to a deleted node stay accounted until they go.
    if (info.pods.length === 0) this.nodes.delete(name);
    else info.node = undefined;
    this.nodeList = this.affinityList = this.antiAffinityList = undefined;
  }

  private setImages(nodeName: string, node: Node | undefined): void {
    for (const image of this.nodeImages.get(nodeName)?.keys() ?? []) this.imageNodes.get(image)?.delete(nodeName);
    this.nodeImages.delete(nodeName);
    const images = node?.status?.images ?? [];
    if (images.length === 0) return;
    const sizes = new Map<string, number>();
    for (const img of images) {
      for (const name of img.names ?? []) {
        const n = normalizedImageName(name);
        sizes.set(n, img.sizeBytes ?? 0);
        let set = this.imageNodes.get(n);
        if (!set) this.imageNodes.set(n, (set = new Set()));
        set.add(nodeName);
      }
    }
    this.nodeImages.set(nodeName, sizes);
  }

  // ---- pods ----

  /** Counts a pod on its node before the binding is confirmed, so the next cycle sees it. */
  assumePod(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    if (this.pods.has(uid)) throw new Error(`pod ${uid} is in the cache, so can't be assumed`);
    this.place(pod, true);
  }

  isAssumed(uid: string): boolean {
    return this.pods.get(uid)?.assumed ?? false;
  }

  /** Undoes assumePod when binding failed. */
  forgetPod(uid: string): void {
    const state = this.pods.get(uid);
    if (state?.assumed) this.unplace(uid, state);
  }

  /** A bound pod from the informer: confirms an assumed one or replaces the old copy. */
  addOrUpdatePod(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const state = this.pods.get(uid);
    if (state) this.unplace(uid, state);
    this.place(pod, false);
  }

  removePod(uid: string): void {
    const state = this.pods.get(uid);
    if (state) this.unplace(uid, state);
  }

  podCount(): number {
    return this.pods.size;
  }

  private place(pod: Pod, assumed: boolean): void {
    const nodeName = pod.spec.nodeName ?? '';
    let info = this.nodes.get(nodeName);
    if (!info) this.nodes.set(nodeName, (info = new NodeInfo()));
    const podInfo = new PodInfo(pod);
    info.addPod(podInfo);
    this.pods.set(podInfo.uid, { info: podInfo, nodeName, assumed });
    if (podInfo.hasAffinity()) this.affinityList = this.antiAffinityList = undefined;
  }

  private unplace(uid: string, state: PodState): void {
    const info = this.nodes.get(state.nodeName);
    info?.removePod(uid);
    this.pods.delete(uid);
    if (info && !info.node && info.pods.length === 0) this.nodes.delete(state.nodeName);
    if (state.info.hasAffinity()) this.affinityList = this.antiAffinityList = undefined;
  }
}
