import os from 'node:os';
import type { V1Node, V1NodeCondition, V1NodeStatus } from '@kubernetes/client-node';
import { NODE_ALLOCATABLE } from './resource-field.js';

export const NODE_IP = '127.0.0.1';
export const AGENT_VERSION = 'v1.36.0-node-agent';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export function nodeObject(nodeName: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName,
      labels: {
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': ARCH[process.arch] ?? process.arch,
      },
    },
  };
}

function nodeConditions(now: Date, since: Date): V1NodeCondition[] {
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
  });
  return [
    condition(
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition(
      'PIDPressure',
      'False',
      'KubeletHasSufficientPID',
      'kubelet has sufficient PID available',
    ),
    condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** A healthy node, as a kubelet reports it; `since` is when it became Ready (the agent's start). */
export function nodeStatus(
  nodeName: string,
  now: Date,
  since: Date,
  kubeletPort = 10250,
): V1NodeStatus {
  const arch = ARCH[process.arch] ?? process.arch;
  return {
    conditions: nodeConditions(now, since),
    capacity: { ...NODE_ALLOCATABLE },
    allocatable: { ...NODE_ALLOCATABLE },
    addresses: [
      { type: 'InternalIP', address: NODE_IP },
      { type: 'Hostname', address: nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
    nodeInfo: {
      architecture: arch,
      bootID: '',
      containerRuntimeVersion: 'etcd-snapshot-node-agent://1',
      kernelVersion: os.release(),
      kubeProxyVersion: '',
      kubeletVersion: AGENT_VERSION,
      machineID: '',
      operatingSystem: 'linux',
      osImage: 'etcd-snapshot-operator test-bed node agent',
      systemUUID: '',
    },
  };
}
