/**
 * Turns TypeBox schemas into the OpenAPI v3 subset a CRD accepts, and checks
 * the result against the structural-schema rules, so a schema the apiserver
 * would refuse fails at generation time with the path of the offending node.
 */

export type JsonSchema = { [key: string]: unknown };

/** JSON-Schema keywords TypeBox may emit that a CRD schema must not contain. */
const DROPPED = new Set(['$id', '$schema', 'title', 'examples', 'readOnly', 'writeOnly']);
/** Keyword order in the YAML: what a reviewer reads first, first; x-kubernetes-* last. */
const ORDER = [
  'description',
  'type',
  'format',
  'enum',
  'default',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'required',
  'properties',
  'items',
  'additionalProperties',
  'anyOf',
];
const rank = (key: string) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);

/** A plain-JSON copy without TypeBox's symbol keys and unsupported keywords, keywords in a stable order. */
export function toCrdSchema(schema: object): JsonSchema {
  // Object.entries skips symbol keys, which is where TypeBox keeps [Kind] and friends.
  const entries = Object.entries(schema)
    .filter(
      ([key, value]) => !DROPPED.has(key) && !(key === 'additionalProperties' && value === false),
    )
    .filter(([key, value]) => !(key === 'required' && Array.isArray(value) && value.length === 0))
    .sort(([a], [b]) => rank(a) - rank(b) || (rank(a) === ORDER.length ? a.localeCompare(b) : 0));
  return Object.fromEntries(entries.map(([key, value]) => [key, convert(key, value)]));
}

function convert(key: string, value: unknown): unknown {
  const isObject = value !== null && typeof value === 'object';
  if (key === 'properties' && isObject) {
    return Object.fromEntries(
      Object.entries(value).map(([name, child]) => [name, toCrdSchema(child as object)]),
    );
  }
  if ((key === 'items' || key === 'additionalProperties') && isObject) return toCrdSchema(value);
  if (key === 'anyOf' && Array.isArray(value))
    return value.map((branch) => toCrdSchema(branch as object));
  // Everything else (default, enum, required, x-kubernetes-*) is data, copied as is.
  return structuredClone(value);
}

const FORBIDDEN = [
  '$ref',
  'oneOf',
  'allOf',
  'not',
  'patternProperties',
  'const',
  'definitions',
  '$defs',
];

/** Why `schema` is not a structural schema with a description on every field; empty when it is. */
export function structuralProblems(schema: JsonSchema, path = ''): string[] {
  const at = path || '<root>';
  const problems: string[] = [];
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (typeof schema.type !== 'string' && !intOrString) problems.push(`${at}: no type`);
  if (typeof schema.description !== 'string' || schema.description.trim() === '') {
    problems.push(`${at}: no description`);
  }
  for (const key of FORBIDDEN) if (key in schema) problems.push(`${at}: ${key} is not allowed`);
  if ('anyOf' in schema && !intOrString) problems.push(`${at}: anyOf outside int-or-string`);
  if (schema.additionalProperties === false) problems.push(`${at}: additionalProperties: false`);
  if (schema.properties && schema.additionalProperties) {
    problems.push(`${at}: properties and additionalProperties together`);
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, child] of Object.entries(properties)) {
    // The root's metadata is ObjectMeta, documented by the apiserver, and may say nothing else.
    if (path === '' && name === 'metadata') {
      if (JSON.stringify(child) !== '{"type":"object"}')
        problems.push('.metadata: must be {type: object}');
      continue;
    }
    problems.push(...structuralProblems(child, `${path}.${name}`));
  }
  for (const required of (schema.required as string[] | undefined) ?? []) {
    if (!(required in properties)) problems.push(`${at}: required ${required} is not a property`);
  }
  problems.push(...nestedProblems(schema, path));
  return problems;
}

/** Array items and map values carry the parent's description, so they need only a type. */
function nestedProblems(schema: JsonSchema, path: string): string[] {
  const nested: Array<[JsonSchema, string]> = [];
  if (schema.items && typeof schema.items === 'object')
    nested.push([schema.items as JsonSchema, `${path}[]`]);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    nested.push([schema.additionalProperties as JsonSchema, `${path}{}`]);
  }
  return nested.flatMap(([child, childPath]) =>
    structuralProblems({ description: '(inherited)', ...child }, childPath),
  );
}
