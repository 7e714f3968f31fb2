import type { V1Container, V1ResourceFieldSelector } from '@kubernetes/client-node';

const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^([+-]?[0-9.]+)(?:[eE]([+-]?[0-9]+))?([a-zA-Z]*)$/;

/** A Kubernetes resource quantity ("500m", "24Gi", "1e3") as a number; undefined when malformed. */
export function parseQuantity(text: string | number): number | undefined {
  const match = QUANTITY.exec(String(text).trim());
  if (!match) return undefined;
  const [, mantissa, exponent, suffix = ''] = match;
  const scale = BINARY[suffix] ?? DECIMAL[suffix];
  if (scale === undefined || (exponent !== undefined && suffix !== '')) return undefined;
  return Number(mantissa) * 10 ** Number(exponent ?? 0) * scale;
}

/** What an unlimited container sees: the node's allocatable, as on a real kubelet. */
export const NODE_ALLOCATABLE: Readonly<Record<string, string>> = {
  cpu: '2',
  memory: '24Gi',
  'ephemeral-storage': '100Gi',
  pods: '110',
};

/** `resourceFieldRef` (`limits.cpu`, `requests.memory`, ...), rounded up in units of the divisor. */
export function resolveResourceField(
  container: V1Container,
  ref: V1ResourceFieldSelector,
): { ok: true; value: string } | { ok: false; message: string } {
  const [kind, resource = ''] = ref.resource.split('.', 2) as [string, string?];
  const declared =
    kind === 'limits'
      ? container.resources?.limits?.[resource]
      : kind === 'requests'
        ? container.resources?.requests?.[resource]
        : undefined;
  const fallback = kind === 'limits' ? NODE_ALLOCATABLE[resource] : '0';
  const amount = parseQuantity(declared ?? fallback ?? '');
  const divisor = parseQuantity(ref.divisor ?? '1');
  if (amount === undefined || !divisor || (kind !== 'limits' && kind !== 'requests')) {
    return { ok: false, message: `unsupported resourceFieldRef: ${ref.resource}` };
  }
  return { ok: true, value: String(Math.ceil(amount / divisor - 1e-9)) };
}
