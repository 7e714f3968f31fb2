import type { TSchema } from '@sinclair/typebox';
import { CATEGORIES, GROUP, KINDS, PLURALS, SHORT_NAMES, SINGULARS, VERSION } from './constants.js';
import { EtcdBackupSchema } from './etcd-backup.js';
import { EtcdRestoreSchema } from './etcd-restore.js';
import { structuralProblems, toCrdSchema, type JsonSchema } from './structural.js';

/** The apiextensions.k8s.io/v1 fields this project emits (src/api does not import client-node). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Namespaced';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: JsonSchema };
    }>;
  };
}

const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Status of the Ready condition.',
};
const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since creation.',
};

export const BACKUP_PRINTER_COLUMNS: PrinterColumn[] = [
  {
    name: 'Schedule',
    type: 'string',
    jsonPath: '.spec.schedule',
    description: 'Cron schedule; empty runs once.',
  },
  {
    name: 'Suspended',
    type: 'boolean',
    jsonPath: '.spec.suspend',
    description: 'Whether new runs are suspended.',
  },
  {
    name: 'Last Success',
    type: 'date',
    jsonPath: '.status.lastSuccessfulTime',
    description: 'When the last successful run completed.',
  },
  {
    name: 'Size',
    type: 'string',
    jsonPath: '.status.lastSnapshot.storedSizeHuman',
    description: 'Stored size of the newest snapshot.',
  },
  {
    name: 'Revision',
    type: 'string',
    jsonPath: '.status.lastSnapshot.revision',
    description: 'etcd revision of the newest snapshot.',
  },
  readyColumn,
  ageColumn,
];

export const RESTORE_PRINTER_COLUMNS: PrinterColumn[] = [
  {
    name: 'Phase',
    type: 'string',
    jsonPath: '.status.phase',
    description: 'Where the restore is.',
  },
  { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Logical or DataDir.' },
  {
    name: 'Source',
    type: 'string',
    jsonPath: '.spec.source.backupRef.name',
    description: 'The EtcdBackup restored from, when the source is a backupRef.',
  },
  {
    name: 'Revision',
    type: 'string',
    jsonPath: '.status.snapshot.revision',
    description: 'etcd revision of the restored snapshot.',
  },
  {
    name: 'Progress',
    type: 'integer',
    jsonPath: '.status.progress.percent',
    description: 'Percent done of the current phase, while it runs.',
  },
  ageColumn,
];

type Kind = keyof typeof KINDS;

function buildCrd(kind: Kind, schema: TSchema, columns: PrinterColumn[]): CustomResourceDefinition {
  const openAPIV3Schema = toCrdSchema(schema);
  const problems = structuralProblems(openAPIV3Schema);
  if (problems.length > 0) {
    throw new Error(`${KINDS[kind]} schema is not structural:\n  ${problems.join('\n  ')}`);
  }
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${PLURALS[kind]}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'etcd-snapshot-operator' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: KINDS[kind],
        listKind: `${KINDS[kind]}List`,
        plural: PLURALS[kind],
        singular: SINGULARS[kind],
        shortNames: [...SHORT_NAMES[kind]],
        categories: [...CATEGORIES],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns,
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}

export function etcdBackupCrd(): CustomResourceDefinition {
  return buildCrd('backup', EtcdBackupSchema, BACKUP_PRINTER_COLUMNS);
}

export function etcdRestoreCrd(): CustomResourceDefinition {
  return buildCrd('restore', EtcdRestoreSchema, RESTORE_PRINTER_COLUMNS);
}
