import { RestResourceClient } from './resource-client.js';
import { LEASES } from './resources.js';
import type { RestClient } from './rest-client.js';

/** What a coordination.k8s.io/v1 Lease says about its holder. */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime?: Date;
  readonly renewTime?: Date;
  readonly leaseTransitions: number;
}

export interface StoredLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** The leader elector's port: conditional writes via resourceVersion. */
export interface LeasePort {
  get(namespace: string, name: string): Promise<StoredLease | undefined>;
  /** Throws KubeError AlreadyExists when another replica created it first. */
  create(namespace: string, name: string, record: LeaseRecord): Promise<StoredLease>;
  /** Throws KubeError Conflict when the lease changed since `resourceVersion`. */
  update(
    namespace: string,
    name: string,
    record: LeaseRecord,
    resourceVersion: string,
  ): Promise<StoredLease>;
}

interface LeaseWire {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export function leaseFromWire(wire: LeaseWire): StoredLease {
  const spec = wire.spec ?? {};
  return {
    resourceVersion: wire.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: parseTime(spec.acquireTime),
      renewTime: parseTime(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

function leaseToWire(namespace: string, name: string, record: LeaseRecord, rv?: string): LeaseWire {
  return {
    metadata: { namespace, name, ...(rv ? { resourceVersion: rv } : {}) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: record.acquireTime ? formatMicroTime(record.acquireTime) : undefined,
      renewTime: record.renewTime ? formatMicroTime(record.renewTime) : undefined,
      leaseTransitions: record.leaseTransitions,
    },
  };
}

export class RestLeases implements LeasePort {
  private readonly client: RestResourceClient<LeaseWire>;

  constructor(rest: RestClient) {
    this.client = new RestResourceClient<LeaseWire>(rest, LEASES);
  }

  async get(namespace: string, name: string): Promise<StoredLease | undefined> {
    const wire = await this.client.get(namespace, name);
    return wire ? leaseFromWire(wire) : undefined;
  }

  async create(namespace: string, name: string, record: LeaseRecord): Promise<StoredLease> {
    return leaseFromWire(await this.client.create(leaseToWire(namespace, name, record)));
  }

  async update(
    namespace: string,
    name: string,
    record: LeaseRecord,
    resourceVersion: string,
  ): Promise<StoredLease> {
    const wire = leaseToWire(namespace, name, record, resourceVersion);
    return leaseFromWire(await this.client.replace(wire));
  }
}
