/**
 * The plain-JSON shapes of the core/v1 and batch/v1 objects the domain
 * builds. Only `src/kube` imports @kubernetes/client-node; these are
 * structurally what its V1Job/V1ConfigMap accept and what the API returns.
 */

export type StringMap = Record<string, string>;

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

export interface ObjectMetaShape {
  name: string;
  namespace: string;
  labels: StringMap;
  annotations?: StringMap;
  ownerReferences?: OwnerReference[];
}

export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVarShape {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef } & Record<string, unknown>;
}

export interface VolumeMountShape {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
  subPathExpr?: string;
  mountPropagation?: string;
  recursiveReadOnly?: string;
}

export interface KeyToPath {
  key: string;
  path: string;
}

/** core/v1 Volume: the sources built here are typed; user volumes pass through as given. */
export type VolumeShape = { name: string } & (
  | { secret: { secretName: string; items?: KeyToPath[]; defaultMode?: number } }
  | { configMap: { name: string; items?: KeyToPath[]; defaultMode?: number } }
  | { persistentVolumeClaim: { claimName: string; readOnly?: boolean } }
  | { hostPath: { path: string; type?: string } }
  | { emptyDir: { medium?: string; sizeLimit?: string } }
  | Record<string, unknown>
);

export type Obj = Record<string, unknown>;

export interface ContainerShape {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command: string[];
  args: string[];
  env: EnvVarShape[];
  volumeMounts: VolumeMountShape[];
  resources?: Obj;
  securityContext: Obj;
  terminationMessagePath: string;
  terminationMessagePolicy: 'FallbackToLogsOnError';
}

export interface PodSpecShape {
  restartPolicy: 'Never';
  automountServiceAccountToken: boolean;
  serviceAccountName?: string;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  priorityClassName?: string;
  nodeSelector?: StringMap;
  tolerations?: Obj[];
  affinity?: Obj;
  securityContext: Obj;
  imagePullSecrets?: Array<{ name: string }>;
  containers: ContainerShape[];
  volumes: VolumeShape[];
}

export interface PodFailurePolicyRule {
  action: 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  onPodConditions?: Array<{ type: string; status: string }>;
}

export interface JobShape {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMetaShape;
  spec: {
    backoffLimit: number;
    activeDeadlineSeconds: number;
    podFailurePolicy: { rules: PodFailurePolicyRule[] };
    template: { metadata: { labels: StringMap; annotations: StringMap }; spec: PodSpecShape };
  };
}

export interface ConfigMapShape {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMetaShape;
  data: StringMap;
}
