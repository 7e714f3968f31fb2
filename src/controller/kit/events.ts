import { API_VERSION } from '../../api/v1alpha1/index.js';
import type { EventRecorder, InvolvedObject } from '../../kube/events.js';
import type { KubeObject } from '../../kube/resource-client.js';

export type EventType = 'Normal' | 'Warning';

/** An Event a plan asks for; emitted after its actions succeeded. */
export interface PlannedEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** Records the plan's Events regarding `object`, a resource of ours of `kind`. */
export async function recordEvents(
  kind: string,
  object: KubeObject & { metadata?: { uid?: string } },
  events: readonly PlannedEvent[],
  recorder: EventRecorder,
): Promise<void> {
  const regarding: InvolvedObject = {
    apiVersion: API_VERSION,
    kind,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
  };
  for (const event of events) {
    await recorder.record(regarding, event.type, event.reason, event.message);
  }
}
