/** The kubelet API's port (upstream's 10250). */
export const DEFAULT_KUBELET_PORT = 10250;
