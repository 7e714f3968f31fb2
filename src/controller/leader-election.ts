import { randomBytes } from 'node:crypto';
import { isKubeError } from '../kube/errors.js';
import type { LeasePort, LeaseRecord, StoredLease } from '../kube/leases.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { sleep, type Clock, type Sleep, type TimerHandle } from './clock.js';

export interface LeaderCallbacks {
  onStartedLeading(): void;
  /** Leadership lost (not released): stop acting at once; the process should exit non-zero. */
  onStoppedLeading(): void;
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionOptions {
  readonly lease: LeasePort;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly clock: Clock;
  readonly callbacks: LeaderCallbacks;
  /** How long a standby waits after the last observed change before taking over. */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps retrying a failing renewal before it gives up. */
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly logger?: Logger;
}

export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

/** pod name (HOSTNAME in a pod) plus a random suffix, so a restarted pod is a new holder. */
export function leaderIdentity(podName: string): string {
  return `${podName}_${randomBytes(4).toString('hex')}`;
}

const TIMED_OUT = Symbol('timed out');

/**
 * Lease-based leader election after client-go's leaderelection: acquire when the
 * holder's lease expired (measured on our own clock from when we last saw it change),
 * renew every retry period, and on a renewal failing past the renew deadline report
 * the loss at once; `stop()` releases the lease so a standby takes over quickly.
 */
export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private observed: StoredLease | undefined;
  private observedAt = 0;
  private leading = false;
  private stopped = false;
  private lastLeader = '';
  private loop: Promise<void> | undefined;
  private pause: Sleep | undefined;
  private deadline: TimerHandle | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.renewDeadlineMs = options.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.retryPeriodMs = options.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    if (this.renewDeadlineMs >= this.leaseDurationMs) {
      throw new Error('renewDeadline must be shorter than leaseDuration');
    }
    this.log = (options.logger ?? silentLogger).child({
      lease: `${options.namespace}/${options.name}`,
      identity: options.identity,
    });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder we last observed ('' when none). */
  currentLeader(): string {
    return this.lastLeader;
  }

  start(): void {
    if (!this.loop) this.loop = this.run();
  }

  /** Stops campaigning; when leading, releases the lease (without calling onStoppedLeading). */
  async stop(): Promise<void> {
    if (this.stopped) return this.loop;
    this.stopped = true;
    this.pause?.cancel();
    this.clearDeadline();
    await this.loop;
    if (this.leading) {
      this.leading = false;
      await this.release();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped && !this.leading) {
      if (await this.attempt(this.renewDeadlineMs)) {
        this.leading = true;
        this.log.info('acquired leadership');
        this.armDeadline();
        this.options.callbacks.onStartedLeading();
        break;
      }
      await this.delay(this.retryPeriodMs);
    }
    while (!this.stopped && this.leading) {
      await this.delay(this.retryPeriodMs);
      if (this.stopped || !this.leading) break;
      if (await this.attempt(this.renewDeadlineMs)) this.armDeadline();
      else if (this.heldByOther()) this.lose('another replica holds the lease');
    }
  }

  /** One acquire-or-renew; false on any failure (logged), never throws. */
  private async attempt(timeoutMs: number): Promise<boolean> {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = this.options.clock.setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    try {
      const result = await Promise.race([this.tryAcquireOrRenew(), timeout]);
      if (result === TIMED_OUT) this.log.warn('lease request timed out');
      return result === true;
    } catch (err) {
      const level = isKubeError(err, 'Conflict') || isKubeError(err, 'AlreadyExists');
      this.log[level ? 'debug' : 'warn']({ err }, 'lease update failed');
      return false;
    } finally {
      if (timer) this.options.clock.clearTimeout(timer);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { lease, namespace, name, identity, clock } = this.options;
    const now = new Date(clock.now());
    const existing = await lease.get(namespace, name);
    if (!existing) {
      const record = this.ownRecord(now, undefined);
      this.observe(await lease.create(namespace, name, record));
      return true;
    }
    this.observe(existing);
    const holder = existing.record.holderIdentity;
    if (holder && holder !== identity && !this.expired(existing)) return false;
    if (this.stopped) return false;
    const updated = await lease.update(
      namespace,
      name,
      this.ownRecord(now, existing.record),
      existing.resourceVersion,
    );
    this.observe(updated);
    return true;
  }

  private ownRecord(now: Date, previous: LeaseRecord | undefined): LeaseRecord {
    const ours = previous?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: ours ? (previous?.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (previous && !ours ? 1 : 0),
    };
  }

  /** Expiry uses our clock from when the record last changed, so clock skew does not matter. */
  private expired(lease: StoredLease): boolean {
    const durationMs = lease.record.leaseDurationSeconds * 1000;
    return this.observedAt + durationMs <= this.options.clock.now();
  }

  private observe(lease: StoredLease): void {
    if (lease.resourceVersion !== this.observed?.resourceVersion) {
      this.observed = lease;
      this.observedAt = this.options.clock.now();
    }
    const holder = lease.record.holderIdentity;
    if (holder !== this.lastLeader) {
      this.lastLeader = holder;
      if (holder) this.options.callbacks.onNewLeader?.(holder);
    }
  }

  private heldByOther(): boolean {
    const holder = this.observed?.record.holderIdentity;
    return !!holder && holder !== this.options.identity;
  }

  private armDeadline(): void {
    this.clearDeadline();
    this.deadline = this.options.clock.setTimeout(
      () => this.lose(`lease not renewed within ${this.renewDeadlineMs} ms`),
      this.renewDeadlineMs,
    );
  }

  private clearDeadline(): void {
    if (this.deadline) this.options.clock.clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private lose(why: string): void {
    if (!this.leading || this.stopped) return;
    this.leading = false;
    this.stopped = true;
    this.clearDeadline();
    this.pause?.cancel();
    this.log.error({ why }, 'lost leadership');
    this.options.callbacks.onStoppedLeading();
  }

  private async release(): Promise<void> {
    const { lease, namespace, name, identity, clock } = this.options;
    const current = this.observed;
    if (!current || current.record.holderIdentity !== identity) return;
    const now = new Date(clock.now());
    const record: LeaseRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: current.record.leaseTransitions,
    };
    try {
      this.observe(await lease.update(namespace, name, record, current.resourceVersion));
      this.log.info('released leadership');
    } catch (err) {
      this.log.warn({ err }, 'could not release the lease; a standby takes over when it expires');
    }
  }

  private async delay(ms: number): Promise<void> {
    if (this.stopped) return;
    this.pause = sleep(this.options.clock, ms);
    await this.pause.done;
    this.pause = undefined;
  }
}
