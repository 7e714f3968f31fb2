import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  type HttpLibrary,
  type KubeConfig,
  type ResponseContext,
} from '@kubernetes/client-node';
import { KubeError, kubeErrorFromResponse, toKubeError } from './errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RestRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  /** Defaults to application/json; PATCH must say which patch it sends. */
  readonly contentType?: string;
  /** Names the call in error messages, e.g. "get Job ns/name". */
  readonly what: string;
  readonly timeoutMs?: number;
  /** Keep the body as a stream (watches) instead of parsing JSON. */
  readonly stream?: boolean;
  readonly signal?: AbortSignal;
}

const METHODS: Record<RestRequest['method'], HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
};

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * Raw JSON over client-node's authentication and HTTP stack: explicit paths and
 * content types (merge patch on custom resources and their status) with errors
 * translated to KubeError. Callers (de)serialise typed models themselves.
 *
 * One connection pool for the client's lifetime: client-node hands every request
 * a new undici Agent, so each call paid a TLS handshake and left its connection
 * open until the server dropped it (1,000 backups: 90 s of handshakes at the tick
 * and hundreds of MiB of idle sockets). Headers (tokens that refresh) are still
 * applied per request; TLS material is read from the kubeconfig once.
 */
export class RestClient {
  private readonly server: string;
  private dispatcher: Dispatcher | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly http: HttpLibrary = new IsomorphicFetchHttpLibrary(),
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeError('Unknown', 'kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** Sends the request; resolves the parsed JSON body (undefined when empty). */
  async json(req: RestRequest): Promise<unknown> {
    const res = await this.send(req);
    const text = await res.body.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Sends the request; resolves the body as text (logs are not JSON). */
  async text(req: RestRequest): Promise<string> {
    return (await this.send(req)).body.text();
  }

  /** Sends the request; resolves the open response (status 2xx) for streaming. */
  async open(req: RestRequest): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send({ ...req, stream: true });
    const stream = (await res.body.stream?.()) as ReadableStream<Uint8Array> | undefined;
    if (!stream) throw new KubeError('Unknown', `${req.what}: response has no body stream`);
    return stream;
  }

  private async send(req: RestRequest): Promise<ResponseContext> {
    const url = new URL(this.server + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const ctx = new RequestContext(url.toString(), METHODS[req.method]);
    ctx.setHeaderParam('Accept', 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    const signals = [req.signal].filter((s): s is AbortSignal => s !== undefined);
    if (!req.stream) signals.push(AbortSignal.timeout(req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS));
    if (signals.length > 0) ctx.setSignal(AbortSignal.any(signals));
    let res: ResponseContext;
    try {
      await this.kubeConfig.applySecurityAuthentication(ctx);
      this.reuseDispatcher(ctx);
      res = await this.http.send(ctx).toPromise();
    } catch (err) {
      throw toKubeError(err, req.what);
    }
    if (res.httpStatusCode < 200 || res.httpStatusCode > 299) {
      const body = await res.body.text().catch(() => '');
      throw kubeErrorFromResponse(res.httpStatusCode, body, req.what);
    }
    return res;
  }

  /** Keeps the first Agent client-node made and puts it on every later request. */
  private reuseDispatcher(ctx: RequestContext): void {
    const made = ctx.getDispatcher();
    if (made === undefined) return;
    this.dispatcher ??= made;
    if (made !== this.dispatcher) ctx.setDispatcher(this.dispatcher);
  }
}
