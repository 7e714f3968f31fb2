// The set of live keys, built by replaying `key` bucket rows in revision
// order (the latest revision of a key wins, a tombstone removes it): an
// open-addressing table of row numbers, 16 bytes a slot, half full at most.
// A key is its row's fingerprint, length and class (RevisionColumns.sameKey).
import type { KeyClasses } from './key-classes.js';
import type { LiveUsage } from './live-usage.js';
import type { RevisionColumns } from './revision-columns.js';

const INITIAL_SLOTS = 1 << 10;
const EMPTY = 0;
const DEAD = -1;

export interface LiveResult extends LiveUsage {
  /** Main revision of the last row replayed (etcdutl's "revision"). */
  readonly revision: number;
  readonly totalKey: number;
}

export class LiveKeys {
  // Per slot: the key's first row + 1 (EMPTY when free), its fingerprint's
  // low half, its latest row (DEAD once deleted), and when it last entered
  // the live set (summarizeLive's Map order, which ClassTally reproduces).
  private first = new Int32Array(INITIAL_SLOTS);
  private lo = new Int32Array(INITIAL_SLOTS);
  private latest = new Int32Array(INITIAL_SLOTS);
  private order = new Int32Array(INITIAL_SLOTS);
  private used = 0;
  private entered = 0;
  private revision = 0;

  constructor(private readonly rows: RevisionColumns) {}

  /** Replays row i; nested bucket rows are skipped. */
  add(i: number): void {
    const main = this.rows.main.get(i);
    if (main < 0) return;
    this.revision = main;
    let slot = this.find(i);
    const tombstone = this.rows.tombstone.get(i) === 1;
    if (this.first[slot] === EMPTY) {
      if (tombstone) return;
      if (++this.used * 2 > this.first.length) {
        this.grow();
        slot = this.find(i);
      }
      this.first[slot] = i + 1;
      this.lo[slot] = this.rows.hashLo.get(i);
      this.latest[slot] = DEAD;
    }
    if (tombstone) this.latest[slot] = DEAD;
    else {
      if (this.latest[slot] === DEAD) this.order[slot] = this.entered++;
      this.latest[slot] = i;
    }
  }

  result(classes: KeyClasses): LiveResult {
    const tally = classes.tally();
    let totalKey = 0;
    for (let s = 0; s < this.first.length; s++) {
      const row = this.latest[s]!;
      if (this.first[s] === EMPTY || row === DEAD) continue;
      totalKey++;
      tally.add(this.rows.keyClass.get(row), this.rows.bytes.get(row), this.order[s]!);
    }
    return { revision: this.revision, totalKey, ...tally.usage() };
  }

  get byteLength(): number {
    return this.first.byteLength * 4;
  }

  /** The slot holding row i's key, or the free slot where it belongs. */
  private find(i: number): number {
    const lo = this.rows.hashLo.get(i);
    const mask = this.first.length - 1;
    let s = lo & mask;
    while (this.first[s] !== EMPTY) {
      if (this.lo[s] === lo && this.rows.sameKey(this.first[s]! - 1, i)) return s;
      s = (s + 1) & mask;
    }
    return s;
  }

  private grow(): void {
    const { first, lo, latest, order } = this;
    const size = first.length * 2;
    this.first = new Int32Array(size);
    this.lo = new Int32Array(size);
    this.latest = new Int32Array(size);
    this.order = new Int32Array(size);
    for (let s = 0; s < first.length; s++) {
      if (first[s] === EMPTY) continue;
      let t = lo[s]! & (size - 1);
      while (this.first[t] !== EMPTY) t = (t + 1) & (size - 1);
      this.first[t] = first[s]!;
      this.lo[t] = lo[s]!;
      this.latest[t] = latest[s]!;
      this.order[t] = order[s]!;
    }
  }
}
