{{/* The chart's name, or nameOverride. */}}
{{- define "etcd-snapshot-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object names: the release name when it already contains the chart name, as `helm create` does. */}}
{{- define "etcd-snapshot-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "etcd-snapshot-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "etcd-snapshot-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "etcd-snapshot-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "etcd-snapshot-operator.selectorLabels" . }}
app.kubernetes.io/part-of: etcd-snapshot-operator
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "etcd-snapshot-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "etcd-snapshot-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "etcd-snapshot-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Least privilege: exactly the verbs the operator calls. Kept equal to
deploy/cluster-role.yaml by test/integration/manifests.test.ts.
*/}}
{{- define "etcd-snapshot-operator.rules" -}}
# Informers list and watch; finalizers are merge patches; status is its subresource.
- apiGroups: [etcdsnapshot.dev]
  resources: [etcdbackups, etcdrestores]
  verbs: [get, list, watch, patch, update]
- apiGroups: [etcdsnapshot.dev]
  resources: [etcdbackups/status, etcdrestores/status]
  verbs: [get, patch, update]
# Jobs carry ownerReferences with blockOwnerDeletion, which the API server
# allows only to whoever may update the owner's finalizers.
- apiGroups: [etcdsnapshot.dev]
  resources: [etcdbackups/finalizers, etcdrestores/finalizers]
  verbs: [update]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, delete]
# Read-only: the snapshot agent's result (termination message) and failure reasons.
- apiGroups: ['']
  resources: [pods]
  verbs: [get, list, watch]
# Read-only: a running restore agent's progress lines (status.progress).
- apiGroups: ['']
  resources: [pods/log]
  verbs: [get]
# Each run's task ConfigMap (created with its Job, deleted with it); get
# checks that ConfigMaps an EtcdBackup references hold the keys it names.
- apiGroups: ['']
  resources: [configmaps]
  verbs: [get, create, delete]
# Only to check that referenced Secrets hold the keys named.
- apiGroups: ['']
  resources: [secrets]
  verbs: [get]
- apiGroups: ['', events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end }}
