import { whenChanged } from '../../../src/controller/informer-handlers.js';

interface Obj {
  readonly name: string;
  readonly phase: string;
  readonly counter: number;
}

const o = (phase: string, counter = 0): Obj => ({ name: 'a', phase, counter });
/** What a controller reads of an Obj: its phase. */
const phase = (x: Obj) => x.phase;
/** What a controller reads of an Obj: nothing until it is Done. */
const result = (x: Obj) => (x.phase === 'Done' ? x.phase : undefined);

describe('whenChanged', () => {
  const cases: Array<{
    name: string;
    relevant: (x: Obj) => string | undefined;
    obj: Obj;
    previous?: Obj;
    passes: boolean;
  }> = [
    { name: 'a new (or vanished) object passes', relevant: phase, obj: o('Pending'), passes: true },
    {
      name: 'a change of a read field passes',
      relevant: phase,
      obj: o('Done'),
      previous: o('Pending'),
      passes: true,
    },
    {
      name: 'a change of other fields only is dropped',
      relevant: phase,
      obj: o('Pending', 2),
      previous: o('Pending', 1),
      passes: false,
    },
    {
      name: 'a resync (itself as previous) is dropped',
      relevant: phase,
      obj: o('Pending'),
      previous: o('Pending'),
      passes: false,
    },
    {
      name: 'a new object carrying nothing read is dropped',
      relevant: result,
      obj: o('Pending'),
      passes: false,
    },
    {
      name: 'a new object carrying something read passes',
      relevant: result,
      obj: o('Done'),
      passes: true,
    },
    {
      name: 'a change into something read passes',
      relevant: result,
      obj: o('Done'),
      previous: o('Pending'),
      passes: true,
    },
  ];
  it.each(cases)('$name', ({ relevant, obj, previous, passes }) => {
    const seen: Obj[] = [];
    whenChanged<Obj>(relevant, (x) => seen.push(x))(obj, previous);
    expect(seen).toEqual(passes ? [obj] : []);
  });
});
