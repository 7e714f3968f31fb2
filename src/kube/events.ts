import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '../observability/logger.js';
import { isKubeError } from './errors.js';
import { formatMicroTime } from './leases.js';
import { RestResourceClient } from './resource-client.js';
import { EVENTS } from './resources.js';
import type { RestClient } from './rest-client.js';

export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
}

export type EventType = 'Normal' | 'Warning';

/** The port controllers report user-visible transitions through. Best effort: never throws. */
export interface EventRecorder {
  record(
    regarding: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void>;
}

export interface EventWire {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  eventTime?: string;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  note?: string;
  type?: string;
  regarding?: InvolvedObject;
  series?: { count: number; lastObservedTime: string };
}

export interface EventRecorderOptions {
  /** e.g. "etcdsnapshot.dev/operator". */
  readonly controller: string;
  /** This replica, e.g. the pod name. */
  readonly instance: string;
  readonly now?: () => number;
  /** Repeats of the same event within this window bump `series.count` instead of a new Event. */
  readonly aggregateWindowMs?: number;
  readonly logger?: Logger;
}

const MAX_NOTE = 1024;
const MAX_TRACKED = 4096;

/** events.k8s.io/v1 Events; identical repeats aggregate into one Event's series. */
export class KubeEventRecorder implements EventRecorder {
  private readonly client: RestResourceClient<EventWire>;
  private readonly recent = new Map<string, { name: string; count: number; at: number }>();
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(
    rest: RestClient,
    private readonly options: EventRecorderOptions,
  ) {
    this.client = new RestResourceClient<EventWire>(rest, EVENTS);
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? silentLogger;
  }

  async record(
    regarding: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const note = message.length > MAX_NOTE ? `${message.slice(0, MAX_NOTE - 3)}...` : message;
    const key = [
      regarding.namespace,
      regarding.kind,
      regarding.name,
      regarding.uid,
      type,
      reason,
      note,
    ].join('\u0000');
    const now = this.now();
    try {
      const seen = this.recent.get(key);
      if (seen && now - seen.at < (this.options.aggregateWindowMs ?? 10 * 60_000)) {
        if (await this.bump(regarding.namespace, seen, now)) return;
      }
      const created = await this.client.create(this.event(regarding, type, reason, note, now));
      this.remember(key, { name: created.metadata?.name ?? '', count: 1, at: now });
    } catch (err) {
      this.log.warn({ err, reason }, 'could not record event');
    }
  }

  /** false when the earlier Event is gone (expired), so a new one is created. */
  private async bump(
    namespace: string,
    seen: { name: string; count: number; at: number },
    now: number,
  ): Promise<boolean> {
    seen.count += 1;
    seen.at = now;
    const series = { count: seen.count, lastObservedTime: formatMicroTime(new Date(now)) };
    try {
      await this.client.patch(namespace, seen.name, { series });
      return true;
    } catch (err) {
      if (isKubeError(err, 'NotFound')) return false;
      throw err;
    }
  }

  private event(
    regarding: InvolvedObject,
    type: EventType,
    reason: string,
    note: string,
    now: number,
  ): EventWire {
    const suffix = `${now.toString(16)}${randomBytes(2).toString('hex')}`;
    return {
      metadata: { namespace: regarding.namespace, name: `${regarding.name}.${suffix}` },
      eventTime: formatMicroTime(new Date(now)),
      reportingController: this.options.controller,
      reportingInstance: this.options.instance,
      action: reason,
      reason,
      note,
      type,
      regarding,
    };
  }

  private remember(key: string, entry: { name: string; count: number; at: number }): void {
    if (this.recent.size >= MAX_TRACKED) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    this.recent.set(key, entry);
  }
}
