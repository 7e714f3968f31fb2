import { Transform, type Readable } from 'node:stream';
import { Etcd3, type IOptions, type ISnapshotResponse } from 'etcd3';
import {
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  type EtcdConnection,
  type EtcdSnapshotSource,
  type MemberStatus,
  type SnapshotStream,
} from './etcd-source.js';
import { EtcdError, toEtcdError } from './errors.js';
import { BlockBuilder } from './blocks.js';

const SNAPSHOT_FLOW_CONTROL_WINDOW = 4 << 20;
/**
 * etcd sends the snapshot in 32 KiB messages; gathered into blocks of this
 * size, every stage downstream (trailer check, scan, compression, upload)
 * runs a sixteenth as many times, for one memcpy per byte (128 KiB blocks
 * measured slower on the uncompressed path).
 */
const SNAPSHOT_BLOCK_BYTES = 512 << 10;

type SnapshotCall = Readable & { cancel?: () => void };

interface ConnectionPool {
  withConnection<T>(
    service: 'Maintenance',
    fn: (c: {
      client: { snapshot(request: object, metadata: unknown, options: object): SnapshotCall };
      metadata: unknown;
    }) => T,
  ): Promise<T>;
}

/**
 * etcd3 1.1.2's maintenance.snapshot() passes the auth metadata where grpc-js
 * expects the request message, so with etcd auth enabled the server sees no
 * token ("user name is empty"). Open the stream through the same connection
 * pool (same hosts, TLS and token) with the arguments in grpc-js's order.
 */
function openSnapshotStream(client: Etcd3): Promise<SnapshotCall> {
  const pool = (client as unknown as { pool: ConnectionPool }).pool;
  return pool.withConnection('Maintenance', ({ client: rpc, metadata }) =>
    rpc.snapshot({}, metadata, {}),
  );
}

function clientOptions(connection: EtcdConnection, endpoint: string): IOptions {
  const tls = connection.tls;
  if (endpoint.startsWith('https://') && !tls?.ca) {
    throw new EtcdError(
      'InvalidConfig',
      `${endpoint} uses https but no CA was given: provide ca.crt in the TLS Secret (or --cacert)`,
    );
  }
  return {
    hosts: [endpoint],
    dialTimeout: connection.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
    ...(tls?.ca
      ? { credentials: { rootCertificate: tls.ca, privateKey: tls.key, certChain: tls.cert } }
      : {}),
    ...(connection.auth
      ? { auth: { username: connection.auth.username, password: connection.auth.password } }
      : {}),
    // Retries would hide which member answered; a snapshot is taken from one member only.
    faultHandling: {},
    // HTTP/2's default 64 KiB stream window caps a snapshot at one window per
    // round trip; 4 MiB lets etcd stream at disk speed, bounded in memory.
    grpcOptions: { 'grpc-node.flow_control_window': SNAPSHOT_FLOW_CONTROL_WINDOW },
  };
}

function memberStatus(
  endpoint: string,
  s: Awaited<ReturnType<Etcd3['maintenance']['status']>>,
): MemberStatus {
  return {
    endpoint,
    version: s.version,
    dbSize: Number(s.dbSize),
    clusterId: s.header.cluster_id,
    memberId: s.header.member_id,
    revision: s.header.revision,
    leader: s.leader,
    raftTerm: s.raftTerm,
  };
}

/** etcd's Maintenance API through the `etcd3` package, one member at a time. */
export class Etcd3SnapshotSource implements EtcdSnapshotSource {
  private readonly connection: EtcdConnection;
  private chosen: { client: Etcd3; member: MemberStatus } | undefined;

  constructor(connection: EtcdConnection) {
    if (connection.endpoints.length === 0)
      throw new EtcdError('InvalidConfig', 'no etcd endpoint given: set at least one client URL');
    this.connection = connection;
  }

  async pickMember(): Promise<MemberStatus> {
    if (this.chosen) return this.chosen.member;
    const failures: EtcdError[] = [];
    for (const endpoint of this.connection.endpoints) {
      const client = new Etcd3(clientOptions(this.connection, endpoint));
      try {
        const timeoutMs = this.connection.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
        const status = await client.maintenance.status({ deadline: Date.now() + timeoutMs });
        this.chosen = { client, member: memberStatus(endpoint, status) };
        return this.chosen.member;
      } catch (err) {
        client.close();
        failures.push(await this.diagnose(err, endpoint));
      }
    }
    if (failures.length === 1) throw failures[0]!;
    throw new EtcdError(
      failures[0]!.code,
      `no etcd endpoint answered: ${failures.map((f) => f.message).join('; ')}`,
    );
  }

  /**
   * With auth set, etcd3 first authenticates on a gRPC channel of its own, and
   * a failed TLS handshake there surfaces as "No connection established. Last
   * error: null": the certificate problem is lost and a wrong CA looks like an
   * unreachable member. One more status call with the same TLS but no auth
   * recovers the real cause; any other outcome keeps the first diagnosis.
   */
  private async diagnose(err: unknown, endpoint: string): Promise<EtcdError> {
    const first = toEtcdError(err, endpoint);
    const { auth, tls, dialTimeoutMs } = this.connection;
    if (!auth || !tls?.ca || (first.code !== 'Unreachable' && first.code !== 'Timeout'))
      return first;
    const probe = new Etcd3(clientOptions({ ...this.connection, auth: undefined }, endpoint));
    try {
      const timeoutMs = dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
      await probe.maintenance.status({ deadline: Date.now() + timeoutMs });
      return first;
    } catch (probeErr) {
      const second = toEtcdError(probeErr, endpoint);
      return second.code === 'TlsError' ? second : first;
    } finally {
      probe.close();
    }
  }

  async openSnapshot(signal?: AbortSignal): Promise<SnapshotStream> {
    const member = await this.pickMember();
    const { client } = this.chosen!;
    let grpcStream: Readable & { cancel?: () => void };
    let startRevision: string;
    try {
      // etcd 3.5/3.6 leave the snapshot responses' header empty, so the
      // revision just before the stream opens is the snapshot's lower bound.
      startRevision = (await client.maintenance.status()).header.revision;
      grpcStream = await openSnapshotStream(client);
    } catch (err) {
      throw toEtcdError(err, member.endpoint);
    }
    let resolveRevision: (r: string) => void = () => {};
    let rejectRevision: (err: unknown) => void = () => {};
    const revision = new Promise<string>((resolve, reject) => {
      resolveRevision = resolve;
      rejectRevision = reject;
    });
    // Callers that never await it must not see an unhandled rejection.
    revision.catch(() => {});
    let remaining: number | undefined;
    const idleMs = this.connection.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    let idle: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        bytes.destroy(
          new EtcdError(
            'Timeout',
            `etcd at ${member.endpoint} sent no snapshot data for ${idleMs / 1000} s: check the member's health and network, or raise the stream idle timeout`,
          ),
        );
        grpcStream.cancel?.();
      }, idleMs);
    };
    const blocks = new BlockBuilder(SNAPSHOT_BLOCK_BYTES);
    const bytes = new Transform({
      writableObjectMode: true,
      transform(message: ISnapshotResponse, _enc, done) {
        armIdle();
        const fromHeader = message.header?.revision;
        resolveRevision(fromHeader && fromHeader !== '0' ? fromHeader : startRevision);
        remaining = Number(message.remaining_bytes);
        blocks.add(message.blob, (block) => this.push(block));
        done();
      },
      flush(done) {
        clearTimeout(idle);
        blocks.end((block) => this.push(block));
        rejectRevision(
          new EtcdError(
            'StreamInterrupted',
            `etcd at ${member.endpoint} ended the snapshot stream without data`,
          ),
        );
        done();
      },
      destroy(err, done) {
        clearTimeout(idle);
        rejectRevision(
          err ?? new EtcdError('StreamInterrupted', 'snapshot stream closed before any data'),
        );
        done(err);
      },
    });
    armIdle();
    // pipe(), not pipeline(): pipeline would fail `bytes` with the raw gRPC
    // error before it could be translated into an EtcdError.
    grpcStream.pipe(bytes);
    grpcStream.on('error', (err) => bytes.destroy(toEtcdError(err, member.endpoint)));
    // A consumer that gives up (e.g. the upload failed) cancels the RPC.
    bytes.on('close', () => {
      if (!grpcStream.readableEnded) grpcStream.cancel?.();
    });

    signal?.addEventListener(
      'abort',
      () => {
        grpcStream.cancel?.();
        bytes.destroy(new EtcdError('StreamInterrupted', 'snapshot cancelled'));
      },
      { once: true },
    );
    return { member, bytes, revision, remainingBytes: () => remaining };
  }

  async close(): Promise<void> {
    this.chosen?.client.close();
    this.chosen = undefined;
  }
}
