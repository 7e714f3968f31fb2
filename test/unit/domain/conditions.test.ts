import {
  findCondition,
  formatConditionTime,
  isFalse,
  isTrue,
  removeCondition,
  setCondition,
  type Condition,
  type ConditionInput,
} from '../../../src/domain/conditions.js';

const T0 = new Date('2026-03-01T12:00:00.750Z');
const T1 = new Date('2026-03-01T13:00:00Z');
const T0_TEXT = '2026-03-01T12:00:00Z';
const T1_TEXT = '2026-03-01T13:00:00Z';

const ready = (overrides: Partial<ConditionInput> = {}): ConditionInput => ({
  type: 'Ready',
  status: 'True',
  reason: 'SnapshotSucceeded',
  message: 'last snapshot succeeded',
  observedGeneration: 1,
  ...overrides,
});

describe('setCondition', () => {
  const initial = setCondition([], ready(), T0);

  const cases: Array<{
    name: string;
    input: ConditionInput;
    lastTransitionTime: string;
  }> = [
    {
      name: 'same status, same everything: time kept',
      input: ready(),
      lastTransitionTime: T0_TEXT,
    },
    {
      name: 'same status, new reason and message: time kept',
      input: ready({ reason: 'Verified', message: 'verified' }),
      lastTransitionTime: T0_TEXT,
    },
    {
      name: 'same status, new generation: time kept',
      input: ready({ observedGeneration: 2 }),
      lastTransitionTime: T0_TEXT,
    },
    {
      name: 'status changes: time moves',
      input: ready({ status: 'False', reason: 'SnapshotFailed' }),
      lastTransitionTime: T1_TEXT,
    },
    {
      name: 'to Unknown: time moves',
      input: ready({ status: 'Unknown', reason: 'Pending' }),
      lastTransitionTime: T1_TEXT,
    },
  ];
  it.each(cases)('$name', ({ input, lastTransitionTime }) => {
    const next = setCondition(initial, input, T1);
    expect(next).toEqual([{ ...input, lastTransitionTime }]);
  });

  it('adds a new condition with the time in whole seconds', () => {
    expect(initial).toEqual([{ ...ready(), lastTransitionTime: T0_TEXT }]);
  });

  it('returns a new array and never changes its input', () => {
    const frozen = Object.freeze([Object.freeze({ ...ready(), lastTransitionTime: T0_TEXT })]);
    const next = setCondition(frozen as readonly Condition[], ready({ status: 'False' }), T1);
    expect(next).not.toBe(frozen);
    expect(frozen[0]?.status).toBe('True');
    expect(setCondition(frozen as readonly Condition[], ready(), T1)).not.toBe(frozen);
  });

  it('keeps types sorted whatever order they were set in', () => {
    const types = ['Ready', 'Stale', 'Degraded', 'Scheduled'];
    const forward = types.reduce<Condition[]>(
      (cs, type) => setCondition(cs, ready({ type }), T0),
      [],
    );
    const backward = [...types]
      .reverse()
      .reduce<Condition[]>((cs, type) => setCondition(cs, ready({ type }), T0), []);
    expect(forward.map((c) => c.type)).toEqual(['Degraded', 'Ready', 'Scheduled', 'Stale']);
    expect(backward).toEqual(forward);
  });

  it('collapses duplicate types in its input', () => {
    const twice = [
      { ...ready(), lastTransitionTime: T0_TEXT },
      { ...ready(), lastTransitionTime: T0_TEXT },
    ];
    expect(setCondition(twice, ready(), T1)).toHaveLength(1);
  });

  it('omits observedGeneration when not given', () => {
    const { observedGeneration: _, ...withoutGeneration } = ready();
    expect(setCondition([], withoutGeneration, T0)[0]).not.toHaveProperty('observedGeneration');
  });

  it('truncates a message over the API limit', () => {
    const [condition] = setCondition([], ready({ message: 'x'.repeat(40_000) }), T0);
    expect(condition?.message).toHaveLength(32_768);
    expect(condition?.message.endsWith('...')).toBe(true);
  });

  it.each([
    { name: 'a reason with spaces', input: ready({ reason: 'Snapshot failed' }) },
    { name: 'an empty reason', input: ready({ reason: '' }) },
    { name: 'a type with spaces', input: ready({ type: 'Is Ready' }) },
    { name: 'a bad status', input: ready({ status: 'Yes' as 'True' }) },
    { name: 'a negative generation', input: ready({ observedGeneration: -1 }) },
  ])('refuses $name (a programmer error)', ({ input }) => {
    expect(() => setCondition([], input, T0)).toThrow(RangeError);
  });

  it('accepts a domain-prefixed type', () => {
    expect(setCondition([], ready({ type: 'etcd.example.com/Ready' }), T0)).toHaveLength(1);
  });
});

describe('reading conditions', () => {
  const conditions = setCondition(
    setCondition([], ready(), T0),
    ready({ type: 'Stale', status: 'False', reason: 'Fresh' }),
    T0,
  );
  it.each([
    { type: 'Ready', found: true, isTrue: true, isFalse: false },
    { type: 'Stale', found: true, isTrue: false, isFalse: true },
    { type: 'Missing', found: false, isTrue: false, isFalse: false },
  ])('$type', ({ type, found, isTrue: t, isFalse: f }) => {
    expect(findCondition(conditions, type) !== undefined).toBe(found);
    expect(isTrue(conditions, type)).toBe(t);
    expect(isFalse(conditions, type)).toBe(f);
  });

  it('treats undefined conditions as none', () => {
    expect(findCondition(undefined, 'Ready')).toBeUndefined();
    expect(isTrue(undefined, 'Ready')).toBe(false);
  });

  it('removeCondition returns a new array without the type', () => {
    const rest = removeCondition(conditions, 'Ready');
    expect(rest.map((c) => c.type)).toEqual(['Stale']);
    expect(conditions).toHaveLength(2);
  });

  it('formatConditionTime drops milliseconds and refuses invalid dates', () => {
    expect(formatConditionTime(T0)).toBe(T0_TEXT);
    expect(() => formatConditionTime(new Date(NaN))).toThrow(RangeError);
  });
});
