import { PatchStrategy } from '@kubernetes/client-node';
import { isKubeError } from './errors.js';
import { apiVersionOf, collectionPath, objectPath, type ResourceType } from './resources.js';
import type { RestClient } from './rest-client.js';
import { fromWire, toWire } from './serializer.js';

export interface ObjectMetaLike {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface ListResult<T> {
  readonly items: T[];
  readonly resourceVersion: string;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** The verbs controllers use on one kind; narrow ports are Picks of it (see ports.ts). */
export interface ResourceClient<T extends KubeObject> {
  /** undefined when the object does not exist. */
  get(namespace: string, name: string): Promise<T | undefined>;
  /** All pages; `namespace` undefined lists across namespaces. */
  list(namespace: string | undefined, options?: ListOptions): Promise<ListResult<T>>;
  /** Throws KubeError AlreadyExists when the name is taken. */
  create(obj: T): Promise<T>;
  /** Full update; metadata.resourceVersion makes it conditional (KubeError Conflict). */
  replace(obj: T): Promise<T>;
  /** JSON merge patch (RFC 7386); include metadata.resourceVersion to make it conditional. */
  patch(namespace: string, name: string, patch: object): Promise<T>;
  /** JSON merge patch of the status subresource. */
  patchStatus(namespace: string, name: string, patch: object): Promise<T>;
  /** Idempotent: false when already gone. */
  delete(
    namespace: string,
    name: string,
    options?: { propagationPolicy?: PropagationPolicy },
  ): Promise<boolean>;
}

const PAGE_SIZE = 500;

/** Rewrites an object's wire JSON in place before it is decoded (e.g. stripManagedFields). */
export type WirePrepare = (raw: Record<string, unknown>) => void;

/**
 * Drops metadata.managedFields: server-side apply bookkeeping that the operator
 * never reads, often the largest part of an object, and slow to decode (its
 * fieldsV1 trees). Caches strip it, as controller-runtime's TransformStripManagedFields.
 */
export const stripManagedFields: WirePrepare = (raw) => {
  const metadata = raw.metadata as { managedFields?: unknown } | undefined;
  if (metadata) delete metadata.managedFields;
};

/**
 * Keeps only metadata (without managedFields) and status: for caches of the
 * operator's own Jobs and Pods, whose spec it wrote and never reads back. A
 * Job's spec holds its whole pod template; dropping it keeps a cache of
 * thousands of run Jobs and Pods small (controller-runtime's cache
 * TransformFunc serves the same purpose).
 */
export const metadataAndStatusOnly: WirePrepare = (raw) => {
  stripManagedFields(raw);
  delete raw.spec;
};

/** ResourceClient over the REST client for any built-in or custom resource. */
export class RestResourceClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly rest: RestClient,
    private readonly type: ResourceType,
    /** Applied to list items before decoding (lists only: gets and writes return everything). */
    private readonly prepareListItem?: WirePrepare,
  ) {}

  async get(namespace: string, name: string): Promise<T | undefined> {
    try {
      const data = await this.rest.json({
        method: 'GET',
        path: objectPath(this.type, namespace, name),
        what: this.what('get', namespace, name),
      });
      return fromWire<T>(this.type, data);
    } catch (err) {
      if (isKubeError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  async list(namespace: string | undefined, options: ListOptions = {}): Promise<ListResult<T>> {
    const items: T[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = (await this.rest.json({
        method: 'GET',
        path: collectionPath(this.type, namespace),
        query: { ...options, limit: PAGE_SIZE, continue: continueToken },
        what: `list ${this.type.plural}${namespace ? ` in ${namespace}` : ''}`,
      })) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
      for (const item of page.items ?? []) items.push(this.decodeItem(item));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  async create(obj: T): Promise<T> {
    const ns = obj.metadata?.namespace;
    const data = await this.rest.json({
      method: 'POST',
      path: collectionPath(this.type, ns),
      body: this.encode(obj),
      what: this.what('create', ns, obj.metadata?.name ?? ''),
    });
    return fromWire<T>(this.type, data);
  }

  async replace(obj: T): Promise<T> {
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    const data = await this.rest.json({
      method: 'PUT',
      path: objectPath(this.type, ns, name),
      body: this.encode(obj),
      what: this.what('update', ns, name),
    });
    return fromWire<T>(this.type, data);
  }

  patch(namespace: string, name: string, patch: object): Promise<T> {
    return this.mergePatch(namespace, name, patch, undefined);
  }

  patchStatus(namespace: string, name: string, patch: object): Promise<T> {
    return this.mergePatch(namespace, name, patch, 'status');
  }

  async delete(
    namespace: string,
    name: string,
    options: { propagationPolicy?: PropagationPolicy } = {},
  ): Promise<boolean> {
    try {
      await this.rest.json({
        method: 'DELETE',
        path: objectPath(this.type, namespace, name),
        query: { propagationPolicy: options.propagationPolicy },
        what: this.what('delete', namespace, name),
      });
      return true;
    } catch (err) {
      if (isKubeError(err, 'NotFound')) return false;
      throw err;
    }
  }

  private async mergePatch(
    namespace: string,
    name: string,
    patch: object,
    subresource: 'status' | undefined,
  ): Promise<T> {
    const data = await this.rest.json({
      method: 'PATCH',
      path: objectPath(this.type, namespace, name, subresource),
      body: patch,
      contentType: PatchStrategy.MergePatch,
      what: this.what(subresource ? 'patch status of' : 'patch', namespace, name),
    });
    return fromWire<T>(this.type, data);
  }

  /** List items carry no apiVersion/kind; restore them so cached objects look like gets. */
  private decodeItem(item: unknown): T {
    if (this.prepareListItem && item && typeof item === 'object') {
      this.prepareListItem(item as Record<string, unknown>);
    }
    const withKind = {
      apiVersion: apiVersionOf(this.type),
      kind: this.type.kind,
      ...(item as object),
    };
    return fromWire<T>(this.type, withKind);
  }

  private encode(obj: T): unknown {
    return toWire(this.type, {
      ...obj,
      apiVersion: obj.apiVersion ?? apiVersionOf(this.type),
      kind: obj.kind ?? this.type.kind,
    });
  }

  private what(verb: string, namespace: string | undefined, name: string): string {
    return `${verb} ${this.type.kind} ${namespace ? `${namespace}/` : ''}${name}`;
  }
}
