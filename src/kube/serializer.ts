// client-node 2.x does not re-export its ObjectSerializer from the package index; the
// deep import is pinned by the lockfile and confined to this file.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { ResourceType } from './resources.js';

/** Wire JSON → the client-node model (Dates as Date) when the type names one. */
export function fromWire<T>(type: ResourceType, data: unknown): T {
  return (type.model ? ObjectSerializer.deserialize(data, type.model, '') : data) as T;
}

/** The client-node model → wire JSON (Dates as RFC 3339). */
export function toWire(type: ResourceType, obj: unknown): unknown {
  return type.model ? ObjectSerializer.serialize(obj, type.model, '') : obj;
}
