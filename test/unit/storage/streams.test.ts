import { PassThrough, Readable, Transform, pipeline } from 'node:stream';
import { StorageError } from '../../../src/storage/index.js';
import { firstStreamError, guardReadable } from '../../../src/storage/streams.js';

const toStorage = (err: unknown) =>
  new StorageError('Unknown', `mapped: ${(err as Error).message}`);

async function drain(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('guardReadable', () => {
  it('passes the data through', async () => {
    expect(await drain(guardReadable(Readable.from(['a', 'b']), toStorage))).toBe('ab');
  });

  it('translates an error in the middle of the stream', async () => {
    const source = new PassThrough();
    const guarded = guardReadable(source, toStorage);
    source.write('a');
    setImmediate(() => source.destroy(new Error('reset')));
    await expect(drain(guarded)).rejects.toMatchObject({
      code: 'Unknown',
      message: 'mapped: reset',
    });
  });

  it('fails when the source closes before its end', async () => {
    const source = new PassThrough();
    const guarded = guardReadable(source, toStorage);
    setImmediate(() => source.destroy());
    await expect(drain(guarded)).rejects.toBeInstanceOf(StorageError);
  });

  it('fails with the mapped abort when the signal fires, and destroys the source', async () => {
    const source = new PassThrough();
    const controller = new AbortController();
    const guarded = guardReadable(
      source,
      (err) => new StorageError('Aborted', String(err)),
      controller.signal,
    );
    source.write('a');
    setImmediate(() => controller.abort());
    await expect(drain(guarded)).rejects.toMatchObject({ code: 'Aborted' });
    expect(source.destroyed).toBe(true);
  });

  it('destroys the source when the consumer gives up', async () => {
    const source = new PassThrough();
    const guarded = guardReadable(source, toStorage);
    guarded.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).toBe(true);
  });
});

describe('firstStreamError', () => {
  it('names the stream where a pipeline failure began', async () => {
    const body = new PassThrough();
    const stage = new Transform({ transform: (c, _e, cb) => cb(null, c) });
    const first = firstStreamError([body, stage]);
    const done = new Promise((resolve) => pipeline(body, stage, new PassThrough(), resolve));
    body.destroy(new Error('from the body'));
    await done;
    expect(first()?.stream).toBe(body);
  });

  it('names a later stage when it failed first', async () => {
    const body = new PassThrough();
    const stage = new Transform({ transform: (_c, _e, cb) => cb(new Error('stage broke')) });
    const first = firstStreamError([body, stage]);
    const done = new Promise((resolve) => pipeline(body, stage, new PassThrough(), resolve));
    body.write('x');
    await done;
    expect(first()?.stream).toBe(stage);
  });
});
