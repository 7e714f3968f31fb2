import { Type, type ObjectOptions, type TSchema } from '@sinclair/typebox';
import { API_VERSION } from './constants.js';
import { obj } from './schema.js';

/** The parts of metav1.ObjectMeta the operator reads, as the API returns them (JSON, times as strings). */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
}

/**
 * The root schema of a kind. metadata stays `type: object` as the apiserver
 * requires: it validates ObjectMeta itself.
 */
export function resourceSchema<K extends string, S extends TSchema, T extends TSchema>(
  kind: K,
  description: string,
  spec: S,
  status: T,
  options: ObjectOptions = {},
) {
  return obj(
    description,
    {
      apiVersion: Type.Optional(
        Type.Unsafe<typeof API_VERSION>({
          type: 'string',
          description: `Versioned schema of this representation, ${API_VERSION}.`,
        }),
      ),
      kind: Type.Optional(Type.Unsafe<K>({ type: 'string', description: `The kind, ${kind}.` })),
      // Nothing but `type: object`: the apiserver refuses any other keyword here.
      metadata: Type.Optional(Type.Unsafe<ObjectMeta>({ type: 'object' })),
      spec,
      status: Type.Optional(status),
    },
    options,
  );
}
