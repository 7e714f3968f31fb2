import {
  Type,
  type ArrayOptions,
  type IntegerOptions,
  type ObjectOptions,
  type SchemaOptions,
  type StringOptions,
  type TProperties,
  type TSchema,
} from '@sinclair/typebox';

/**
 * Small builders over TypeBox that only produce what a Kubernetes structural
 * schema accepts: every node typed and described, enums as plain string enums
 * (TypeBox's unions would emit `anyOf`), maps as `additionalProperties`
 * (TypeBox's records would emit `patternProperties`).
 */

/** One `x-kubernetes-validations` entry; the message names the fix. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
  /** Reported path, relative to the node the rule sits on, e.g. `.kmsKeyId`. */
  readonly fieldPath?: string;
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired';
}

export function cel(...rules: CelRule[]): SchemaOptions {
  return { 'x-kubernetes-validations': rules };
}

const AMOUNT = '(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)';
/**
 * The grammar of domain/duration.ts (`90s`, `2h30m`, `7d`, `4w`, `0`), each unit
 * at most once and largest first. Fractions that are not whole milliseconds
 * pass here and are reported by the controller, which parses with parseDuration.
 */
export const DURATION_PATTERN = `^(?:0|${['w', 'd', 'h', 'm', 's', 'ms']
  .map((unit) => `(?:${AMOUNT}${unit})?`)
  .join('')})$`;

/** Byte sizes as in domain/quantity.ts: no sign, no milli/micro/nano suffixes. */
export const BYTE_QUANTITY_PATTERN =
  '^\\+?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[kMGTPE]|[eE][-+]?[0-9]{1,4})?$';

/** Any Kubernetes resource quantity (CPU `500m`, memory `1Gi`), as core/v1 writes it. */
export const RESOURCE_QUANTITY_PATTERN =
  '^(?:\\+|-)?(?:(?:[0-9]+(?:\\.[0-9]*)?)|(?:\\.[0-9]+))(?:(?:[KMGTPE]i)|[numkMGTPE]|(?:[eE](?:\\+|-)?(?:(?:[0-9]+(?:\\.[0-9]*)?)|(?:\\.[0-9]+))))?$';

/** A DNS-1123 subdomain: the names of Secrets, ConfigMaps, PVCs, EtcdBackups. */
export const OBJECT_NAME_PATTERN = '^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$';

export function str(description: string, options: StringOptions = {}) {
  return Type.String({ ...options, description });
}

export function int(description: string, options: IntegerOptions = {}) {
  return Type.Integer({ format: 'int32', ...options, description });
}

export function int64(description: string, options: IntegerOptions = {}) {
  return Type.Integer({ format: 'int64', ...options, description });
}

export function bool(description: string, options: SchemaOptions = {}) {
  return Type.Boolean({ ...options, description });
}

export function timestamp(description: string) {
  return Type.String({ format: 'date-time', description });
}

export function duration(description: string, options: StringOptions = {}) {
  return Type.String({
    pattern: DURATION_PATTERN,
    minLength: 1,
    maxLength: 32,
    ...options,
    description,
  });
}

export function objectName(description: string, options: StringOptions = {}) {
  return Type.String({ pattern: OBJECT_NAME_PATTERN, maxLength: 253, ...options, description });
}

export function stringEnum<const T extends readonly string[]>(
  values: T,
  description: string,
  options: SchemaOptions = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options, description });
}

export function obj<T extends TProperties>(
  description: string,
  properties: T,
  options: ObjectOptions = {},
) {
  return Type.Object(properties, { ...options, description });
}

export function list<T extends TSchema>(description: string, items: T, options: ArrayOptions = {}) {
  return Type.Array(items, { ...options, description });
}

/** A string-to-string map (labels, annotations, nodeSelector). */
export function stringMap(description: string) {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string' },
    description,
  });
}

/** An integer or a string such as `10Gi`; `pattern` applies to the string form. */
export function intOrString(description: string, pattern: string) {
  return Type.Unsafe<number | string>({
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern,
    description,
  });
}

/**
 * A core/v1 type passed to the Job unchanged (affinity, securityContext):
 * the apiserver validates it when the Job is created, so repeating its large
 * schema here would only add a copy to keep in sync.
 */
export function passThrough<T = Record<string, unknown>>(description: string) {
  return Type.Unsafe<T>({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description,
  });
}

/** Keys inside a Secret or ConfigMap's data. */
const DATA_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';

export function dataKey(description: string) {
  return str(description, { pattern: DATA_KEY_PATTERN, maxLength: 253 });
}

/** A key name the apiserver fills in when omitted. */
export function defaultedKey(description: string, defaultKey: string) {
  return Type.Optional(
    str(description, { pattern: DATA_KEY_PATTERN, maxLength: 253, default: defaultKey }),
  );
}
