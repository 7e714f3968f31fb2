import {
  KubeConfig,
  Observable,
  ResponseContext,
  type HttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import { RestClient } from '../../../src/kube/rest-client.js';

/** Answers every request with `{}` and remembers what it was sent. */
class RecordingHttp implements HttpLibrary {
  readonly sent: RequestContext[] = [];

  send(request: RequestContext): Observable<ResponseContext> {
    this.sent.push(request);
    const body = {
      text: () => Promise.resolve('{}'),
      binary: () => Promise.resolve(Buffer.from('{}')),
      stream: () => null,
    };
    return new Observable(Promise.resolve(new ResponseContext(200, {}, body)));
  }
}

function kubeConfig(token: () => string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: 'https://127.0.0.1:6443',
        caData: Buffer.from('not parsed before a connection').toString('base64'),
      },
    ],
    users: [{ name: 'u', token: 'unused' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  // Stands in for a token that refreshes (exec plugin, projected service-account token).
  config.users[0] = {
    name: 'u',
    get token() {
      return token();
    },
  } as never;
  return config;
}

describe('RestClient', () => {
  it('sends every request through one connection pool', async () => {
    const http = new RecordingHttp();
    const client = new RestClient(
      kubeConfig(() => 't'),
      http,
    );
    for (let i = 0; i < 3; i++) await client.json({ method: 'GET', path: '/api', what: 'get' });
    const dispatchers = http.sent.map((r) => r.getDispatcher());
    expect(dispatchers[0]).toBeDefined();
    expect(new Set(dispatchers).size).toBe(1);
  });

  it('still applies authentication headers per request', async () => {
    const http = new RecordingHttp();
    let token = 'token-1';
    const client = new RestClient(
      kubeConfig(() => token),
      http,
    );
    await client.json({ method: 'GET', path: '/api', what: 'get' });
    token = 'token-2';
    await client.json({ method: 'GET', path: '/api', what: 'get' });
    expect(http.sent.map((r) => r.getHeaders().Authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('clears the timeout of a call that is done, and still times out one that hangs', async () => {
    const http = new RecordingHttp();
    const client = new RestClient(
      kubeConfig(() => 't'),
      http,
    );
    await client.json({ method: 'GET', path: '/api', what: 'get', timeoutMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    expect(http.sent[0]!.getSignal()?.aborted).toBe(false);

    const hanging: HttpLibrary = {
      send: (request) =>
        new Observable(
          new Promise<ResponseContext>((_resolve, reject) =>
            request
              .getSignal()
              ?.addEventListener('abort', () => reject(request.getSignal()?.reason)),
          ),
        ),
    };
    const slow = new RestClient(
      kubeConfig(() => 't'),
      hanging,
    );
    await expect(
      slow.json({ method: 'GET', path: '/api', what: 'get /api', timeoutMs: 20 }),
    ).rejects.toMatchObject({ code: 'Unavailable' });
  });
});
