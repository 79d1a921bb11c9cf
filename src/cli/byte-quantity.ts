// Byte sizes in the kubelet's flag syntax (--container-log-max-size).

/** 10Mi, 500Ki, 1G, 1048576: a byte size as the kubelet's quantity flags take it. */
export function byteQuantity(text: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(text.trim());
  if (!m) throw new Error(`invalid size "${text}"`);
  const unit: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
  return Number(m[1]) * unit[m[2] ?? ''];
}
