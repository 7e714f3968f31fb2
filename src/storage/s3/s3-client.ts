import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { S3Client } from '@aws-sdk/client-s3';
import type { ChecksumSetting } from '../../api/v1alpha1/constants.js';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ClientOptions {
  readonly endpoint?: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** Extra trusted CA certificates (PEM text), added to Node's default roots. */
  readonly caBundlePem?: string;
  /** Absent: the SDK's default chain (env, IRSA web identity, EKS pod identity, profile, instance metadata). */
  readonly credentials?: S3Credentials;
  readonly checksum: ChecksumSetting;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxAttempts: number;
}

/**
 * Sized for 8 GiB snapshots: no limit on a whole request (a 16 MiB part on a
 * slow link, or CompleteMultipartUpload assembling gigabytes, may take
 * minutes), but a connection must open within 10 s and a socket that moves
 * no data for 5 minutes is dead.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

const MAX_SOCKETS = 50;

/**
 * Agents are passed as instances, not as option objects: for requests with
 * `Expect: 100-continue` (every part upload) the SDK replaces an agent it
 * built itself with a fresh default one, which would drop the custom CA.
 */
function agents(caBundlePem: string | undefined): {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
} {
  const common = { keepAlive: true, maxSockets: MAX_SOCKETS };
  const ca = caBundlePem === undefined ? undefined : [...tls.rootCertificates, caBundlePem];
  return {
    httpAgent: new http.Agent(common),
    httpsAgent: new https.Agent({ ...common, ...(ca ? { ca } : {}) }),
  };
}

export function createS3Client(options: S3ClientOptions): S3Client {
  const checksumMode = options.checksum === 'none' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  return new S3Client({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle,
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    // A bucket in another region than configured answers with a redirect the SDK can follow.
    followRegionRedirects: true,
    maxAttempts: options.maxAttempts,
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    requestHandler: {
      ...agents(options.caBundlePem),
      connectionTimeout: options.connectTimeoutMs,
      socketTimeout: options.idleTimeoutMs,
      requestTimeout: 0,
    },
  });
}
