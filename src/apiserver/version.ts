// /version: the Kubernetes version k8ts implements, in upstream's shape.
export const kubernetesVersion = { major: '1', minor: '33', gitVersion: 'v1.33.0+k8ts' };

export function versionInfo(): object {
  return {
    ...kubernetesVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-11-21T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
