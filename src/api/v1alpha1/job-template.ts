import { Type, type Static } from '@sinclair/typebox';
import {
  bool,
  int64,
  intOrString,
  list,
  obj,
  objectName,
  passThrough,
  RESOURCE_QUANTITY_PATTERN,
  str,
  stringEnum,
  stringMap,
} from './schema.js';

const { Optional } = Type;

/**
 * What the operator's Jobs may be given. Small core/v1 types (tolerations,
 * volume mounts, resources, env) are embedded so `kubectl explain` documents
 * them; large ones (affinity, security contexts, volume sources) pass through
 * with x-kubernetes-preserve-unknown-fields and are validated by the apiserver
 * when the Job is created, which the controller reports as a condition.
 */

export const Toleration = obj('A core/v1 Toleration.', {
  key: Optional(str('Taint key to match; empty with operator Exists matches every taint.')),
  operator: Optional(stringEnum(['Exists', 'Equal'], 'Exists or Equal (the default).')),
  value: Optional(str('Taint value to match with operator Equal.')),
  effect: Optional(
    stringEnum(
      ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
      'Taint effect to match; all effects when unset.',
    ),
  ),
  tolerationSeconds: Optional(
    int64('For NoExecute: how long the Pod stays bound after the taint appears.'),
  ),
});

export const VolumeMount = obj(
  'A core/v1 VolumeMount of one of jobTemplate.volumes into the agent container.',
  {
    name: str('Name of the volume in jobTemplate.volumes.'),
    mountPath: str('Path inside the container.', { pattern: '^/' }),
    readOnly: Optional(bool('Mount read-only, e.g. for /etc/kubernetes/pki/etcd.')),
    subPath: Optional(str('Sub-path of the volume to mount.')),
    subPathExpr: Optional(
      str('Like subPath, with $(VAR) expansion from the container environment.'),
    ),
    mountPropagation: Optional(
      stringEnum(
        ['None', 'HostToContainer', 'Bidirectional'],
        'How mounts propagate between host and container.',
      ),
    ),
    recursiveReadOnly: Optional(
      stringEnum(
        ['Disabled', 'IfPossible', 'Enabled'],
        'Whether readOnly applies recursively to sub-mounts.',
      ),
    ),
  },
);

const quantityMap = (description: string) =>
  Type.Unsafe<Record<string, number | string>>({
    type: 'object',
    additionalProperties: intOrString(
      'A resource quantity, e.g. 500m or 1Gi.',
      RESOURCE_QUANTITY_PATTERN,
    ),
    description,
  });

export const Resources = obj('core/v1 ResourceRequirements of the agent container.', {
  requests: Optional(quantityMap('Minimum resources, e.g. cpu: 100m, memory: 128Mi.')),
  limits: Optional(quantityMap('Maximum resources. Memory stays flat whatever the database size.')),
});

export const EnvVar = obj('A core/v1 EnvVar, e.g. HTTPS_PROXY for the S3 endpoint.', {
  name: str('Variable name.', { minLength: 1 }),
  value: Optional(str('Literal value.')),
  valueFrom: Optional(
    passThrough('core/v1 EnvVarSource: secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef.'),
  ),
});

export const PodVolume = Type.Unsafe<{ name: string } & Record<string, unknown>>({
  type: 'object',
  description:
    'A core/v1 Volume, e.g. {name: etcd-certs, hostPath: {path: /etc/kubernetes/pki/etcd, type: Directory}}.',
  required: ['name'],
  properties: { name: { type: 'string', description: 'Volume name, referenced by volumeMounts.' } },
  'x-kubernetes-preserve-unknown-fields': true,
});

export const JobTemplate = obj(
  "How the operator's Jobs run: placement, identity, security and extra volumes. Enough to run on kubeadm control-plane nodes with hostNetwork and /etc/kubernetes/pki/etcd mounted read-only.",
  {
    metadata: Optional(
      obj('Labels and annotations added to the Jobs and their Pods.', {
        labels: Optional(stringMap('Extra labels.')),
        annotations: Optional(stringMap('Extra annotations.')),
      }),
    ),
    nodeSelector: Optional(
      stringMap('Node labels the Pod must match, e.g. node-role.kubernetes.io/control-plane: "".'),
    ),
    tolerations: Optional(
      list('Taints the Pod tolerates, e.g. the control-plane NoSchedule taint.', Toleration, {
        maxItems: 32,
      }),
    ),
    affinity: Optional(
      passThrough('core/v1 Affinity: node affinity, pod affinity and anti-affinity.'),
    ),
    resources: Optional(Resources),
    serviceAccountName: Optional(
      objectName('ServiceAccount the Pod runs as, e.g. one annotated for IRSA.'),
    ),
    hostNetwork: Optional(
      bool("Use the node's network namespace, e.g. to reach etcd on 127.0.0.1:2379."),
    ),
    priorityClassName: Optional(str('PriorityClass of the Pod, e.g. system-cluster-critical.')),
    securityContext: Optional(passThrough('core/v1 PodSecurityContext of the Pod.')),
    containerSecurityContext: Optional(
      passThrough('core/v1 SecurityContext of the agent container.'),
    ),
    volumes: Optional(
      list('Extra volumes of the Pod, e.g. a hostPath for etcd certificates.', PodVolume, {
        maxItems: 32,
      }),
    ),
    volumeMounts: Optional(
      list('Extra mounts in the agent container.', VolumeMount, { maxItems: 32 }),
    ),
    env: Optional(
      list('Extra environment variables of the agent container.', EnvVar, { maxItems: 64 }),
    ),
    image: Optional(str("Agent image; the operator's own image when unset.", { minLength: 1 })),
    imagePullPolicy: Optional(
      stringEnum(['Always', 'IfNotPresent', 'Never'], 'When to pull the image.'),
    ),
    imagePullSecrets: Optional(
      list(
        'Secrets for pulling the image.',
        obj('A core/v1 LocalObjectReference.', {
          name: objectName('Name of a docker-registry Secret.'),
        }),
        { maxItems: 16 },
      ),
    ),
  },
);
export type JobTemplate = Static<typeof JobTemplate>;
