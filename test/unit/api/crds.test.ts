import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  DEFAULTS,
  etcdBackupCrd,
  etcdRestoreCrd,
  FINALIZER,
  GENERATED_HEADER,
  renderCrdFiles,
  RUN_NOW_ANNOTATION,
  structuralProblems,
  type JsonSchema,
} from '../../../src/api/v1alpha1/index.js';
import { CRD_DIRS } from '../../../scripts/crd-dirs.js';

const schemaOf = (crd: ReturnType<typeof etcdBackupCrd>) =>
  crd.spec.versions[0]!.schema.openAPIV3Schema;

/** Follows `.a.b` through properties. */
function at(schema: JsonSchema, dotted: string): JsonSchema {
  return dotted
    .split('.')
    .filter(Boolean)
    .reduce((node, name) => {
      const child = (node.properties as Record<string, JsonSchema> | undefined)?.[name];
      if (!child) throw new Error(`no property ${name} in ${dotted}`);
      return child;
    }, schema);
}

/** Every node of a schema with its path. */
function* walk(schema: JsonSchema, where = ''): Generator<[string, JsonSchema]> {
  yield [where, schema];
  for (const [name, child] of Object.entries(
    (schema.properties ?? {}) as Record<string, JsonSchema>,
  )) {
    yield* walk(child, `${where}.${name}`);
  }
  if (schema.items) yield* walk(schema.items as JsonSchema, `${where}[]`);
  if (typeof schema.additionalProperties === 'object') {
    yield* walk(schema.additionalProperties as JsonSchema, `${where}{}`);
  }
}

describe('committed CRDs', () => {
  it.each(CRD_DIRS)('in %s/ match what the schema source generates', (dir) => {
    const generated = renderCrdFiles();
    const committed = readdirSync(dir).filter((f) => f.startsWith('etcdsnapshot.dev_'));
    expect(committed.sort()).toEqual([...generated.keys()].sort());
    for (const [name, content] of generated) {
      const onDisk = readFileSync(path.join(dir, name), 'utf8');
      if (onDisk !== content) {
        throw new Error(`${dir}/${name} is out of date with src/api/v1alpha1: run make generate`);
      }
    }
  });

  it('start with the generated-file header and parse as one CRD each', () => {
    for (const content of renderCrdFiles().values()) {
      expect(content.startsWith(GENERATED_HEADER)).toBe(true);
      expect(parse(content)).toMatchObject({ kind: 'CustomResourceDefinition' });
    }
  });
});

describe.each([
  ['EtcdBackup', etcdBackupCrd()],
  ['EtcdRestore', etcdRestoreCrd()],
])('%s schema', (_kind, crd) => {
  const schema = schemaOf(crd);

  it('is structural, with a description on every field', () => {
    expect(structuralProblems(schema)).toEqual([]);
  });

  it('has no TypeBox leftovers or keywords a CRD refuses', () => {
    const text = JSON.stringify(schema);
    for (const keyword of [
      '"$ref"',
      '"$id"',
      '"oneOf"',
      '"patternProperties"',
      '"const"',
      '"additionalProperties":false',
    ]) {
      expect(text).not.toContain(keyword);
    }
    for (const [where, node] of walk(schema)) {
      expect(Object.getOwnPropertySymbols(node)).toEqual([]);
      if ('anyOf' in node)
        expect([where, node['x-kubernetes-int-or-string']]).toEqual([where, true]);
    }
  });

  it('never requires a field that has a default', () => {
    for (const [where, node] of walk(schema)) {
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      for (const name of (node.required as string[] | undefined) ?? []) {
        expect([`${where}.${name}`, 'default' in properties[name]!]).toEqual([
          `${where}.${name}`,
          false,
        ]);
      }
    }
  });

  it('gives every CEL rule a message that names a fix', () => {
    const rules = [...walk(schema)].flatMap(
      ([, node]) =>
        (node['x-kubernetes-validations'] as
          Array<{ rule: string; message: string }> | undefined) ?? [],
    );
    expect(rules.length).toBeGreaterThan(3);
    for (const { rule, message } of rules) {
      expect(rule).not.toBe('');
      expect(message).toMatch(/: |set |not both|exactly one|needs/);
    }
  });

  it('points every CEL fieldPath at a property of the node the rule sits on', () => {
    for (const [where, node] of walk(schema)) {
      const rules =
        (node['x-kubernetes-validations'] as Array<{ fieldPath?: string }> | undefined) ?? [];
      for (const { fieldPath } of rules.filter((r) => r.fieldPath !== undefined)) {
        const name = fieldPath!.replace(/^\./, '');
        expect([where, fieldPath, name in ((node.properties ?? {}) as object)]).toEqual([
          where,
          fieldPath,
          true,
        ]);
      }
    }
  });

  it('uses map-list semantics for conditions and keeps the status subresource', () => {
    const conditions = at(schema, '.status.conditions');
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect(crd.spec.versions[0]!.subresources).toEqual({ status: {} });
  });
});

describe('defaults', () => {
  const backup = schemaOf(etcdBackupCrd());
  const restore = schemaOf(etcdRestoreCrd());

  it.each<[JsonSchema, string, unknown]>([
    [backup, '.spec.suspend', DEFAULTS.suspend],
    [backup, '.spec.concurrencyPolicy', 'Forbid'],
    [backup, '.spec.compression', 'zstd'],
    [backup, '.spec.deletionPolicy', 'Retain'],
    [backup, '.spec.snapshotTimeout', '1h'],
    [backup, '.spec.backoffLimit', 2],
    [backup, '.spec.successfulRunsHistoryLimit', 3],
    [backup, '.spec.failedRunsHistoryLimit', 1],
    [backup, '.spec.etcd.dialTimeout', '10s'],
    [backup, '.spec.etcd.streamIdleTimeout', '2m'],
    [backup, '.spec.etcd.tlsSecretRef.caKey', 'ca.crt'],
    [backup, '.spec.etcd.tlsSecretRef.certKey', 'tls.crt'],
    [backup, '.spec.etcd.tlsSecretRef.keyKey', 'tls.key'],
    [backup, '.spec.etcd.authSecretRef.usernameKey', 'username'],
    [backup, '.spec.etcd.authSecretRef.passwordKey', 'password'],
    [backup, '.spec.destination.s3.credentialsSecretRef.accessKeyIdKey', 'AWS_ACCESS_KEY_ID'],
    [
      backup,
      '.spec.destination.s3.credentialsSecretRef.secretAccessKeyKey',
      'AWS_SECRET_ACCESS_KEY',
    ],
    [restore, '.spec.restoreTimeout', '1h'],
    [restore, '.spec.dryRun', false],
    [restore, '.spec.source.backupRef.snapshot', 'latest'],
    [restore, '.spec.source.decryptionSecretRef.key', 'identity.txt'],
    [restore, '.spec.logical.prefix', ''],
    [restore, '.spec.logical.overwrite', false],
  ])('%#: %s defaults to %p', (schema, field, value) => {
    expect(at(schema, field).default).toEqual(value);
  });

  it('leaves staleAfter and schedule without a default', () => {
    expect('default' in at(backup, '.spec.staleAfter')).toBe(false);
    expect('default' in at(backup, '.spec.schedule')).toBe(false);
  });
});

describe('names', () => {
  it('exposes stable group-qualified keys', () => {
    expect(FINALIZER).toBe('etcdsnapshot.dev/delete-snapshots');
    expect(RUN_NOW_ANNOTATION).toBe('etcdsnapshot.dev/run-now');
    expect(etcdBackupCrd().metadata.name).toBe('etcdbackups.etcdsnapshot.dev');
    expect(etcdBackupCrd().spec.names.categories).not.toContain('all');
  });
});
