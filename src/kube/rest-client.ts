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
  /** For the request and its body (not for open): DEFAULT_REQUEST_TIMEOUT_MS by default. */
  readonly timeoutMs?: number;
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
    return this.bounded(req, async (signal) => {
      const text = await (await this.send(req, signal)).body.text();
      return text ? (JSON.parse(text) as unknown) : undefined;
    });
  }

  /** Sends the request; resolves the body as text (logs are not JSON). */
  async text(req: RestRequest): Promise<string> {
    return this.bounded(req, async (signal) => (await this.send(req, signal)).body.text());
  }

  /** Sends the request; resolves the open response (status 2xx) for streaming; no timeout. */
  async open(req: RestRequest): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send(req, req.signal);
    const stream = (await res.body.stream?.()) as ReadableStream<Uint8Array> | undefined;
    if (!stream) throw new KubeError('Unknown', `${req.what}: response has no body stream`);
    return stream;
  }

  /**
   * Runs a call (request and body) under the request's timeout, a timer cleared as soon
   * as the call is done. AbortSignal.timeout cannot be cleared: every call left a timer
   * that fired 30 s later (a DOMException with its stack, the abort listeners), so the
   * 30 s after 1,000 status writes paid for 1,000 timeouts (5 % of the operator's CPU).
   */
  private async bounded<R>(
    req: RestRequest,
    call: (signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`${req.what} timed out`, 'TimeoutError')),
      req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
    const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
    try {
      return await call(signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(req: RestRequest, signal: AbortSignal | undefined): Promise<ResponseContext> {
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
    if (signal) ctx.setSignal(signal);
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
