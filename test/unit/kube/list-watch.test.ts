import {
  KubeConfig,
  Observable,
  ResponseContext,
  type HttpLibrary,
  type RequestContext,
  type V1Job,
} from '@kubernetes/client-node';
import { RestListWatch } from '../../../src/kube/list-watch.js';
import { JOBS } from '../../../src/kube/resources.js';
import { RestClient } from '../../../src/kube/rest-client.js';
import type { WatchEvent } from '../../../src/kube/list-watch.js';

const managedFields = [{ manager: 'kube-controller-manager', fieldsV1: { 'f:status': {} } }];
const wireJob = (name: string) => ({
  metadata: { name, namespace: 'ns', resourceVersion: '5', managedFields },
  status: { active: 1 },
});

/** Answers a list with one page, and a watch with NDJSON events. */
class CannedHttp implements HttpLibrary {
  send(request: RequestContext): Observable<ResponseContext> {
    const watching = request.getUrl().includes('watch=true');
    const text = watching
      ? [
          { type: 'ADDED', object: wireJob('b') },
          { type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } },
        ]
          .map((e) => JSON.stringify(e))
          .join('\n') + '\n'
      : JSON.stringify({ metadata: { resourceVersion: '5' }, items: [wireJob('a')] });
    const body = {
      text: () => Promise.resolve(text),
      binary: () => Promise.resolve(Buffer.from(text)),
      stream: () => new Blob([text]).stream(),
    };
    return new Observable(Promise.resolve(new ResponseContext(200, {}, body)));
  }
}

function listWatch(prepare?: (raw: Record<string, unknown>) => void): RestListWatch<V1Job> {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return new RestListWatch<V1Job>(new RestClient(config, new CannedHttp()), JOBS, {
    namespace: 'ns',
    ...(prepare ? { prepare } : {}),
  });
}

function watchAll(source: RestListWatch<V1Job>): Promise<WatchEvent<V1Job>[]> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent<V1Job>[] = [];
    source.watch('5', {
      onEvent: (e) => events.push(e),
      onClose: (err) => (err ? reject(err as Error) : resolve(events)),
    });
  });
}

describe('RestListWatch', () => {
  it('drops managedFields from listed objects, keeping the rest', async () => {
    const { items, resourceVersion } = await listWatch().list();
    expect(resourceVersion).toBe('5');
    expect(items[0]?.metadata?.name).toBe('a');
    expect(items[0]?.metadata?.managedFields).toBeUndefined();
    expect(items[0]?.status?.active).toBe(1);
  });

  it('drops managedFields from watched objects; bookmarks pass as they are', async () => {
    const [added, bookmark] = await watchAll(listWatch());
    expect(added?.type).toBe('ADDED');
    expect(added?.object.metadata?.name).toBe('b');
    expect(added?.object.metadata?.managedFields).toBeUndefined();
    expect(bookmark).toEqual({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } });
  });

  it('takes another preparation instead', async () => {
    const keep = () => {};
    expect((await listWatch(keep).list()).items[0]?.metadata?.managedFields).toHaveLength(1);
    expect((await watchAll(listWatch(keep)))[0]?.object.metadata?.managedFields).toHaveLength(1);
  });
});
