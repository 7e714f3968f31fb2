// Records the requests an S3Client sends (command, headers, concurrency):
// the observable proof of what the adapter asks the server for.
import type { S3Client } from '@aws-sdk/client-s3';

export interface SentRequest {
  readonly command: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ok: boolean;
}

export interface Capture {
  readonly sent: SentRequest[];
  /** Highest number of requests of `command` in flight at once. */
  maxInFlight(command: string): number;
  commands(): string[];
}

export function captureRequests(client: S3Client): Capture {
  const sent: SentRequest[] = [];
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const request = args.request as { headers?: Record<string, string> };
      const headers = Object.fromEntries(
        Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      inFlight.set(command, (inFlight.get(command) ?? 0) + 1);
      peak.set(command, Math.max(peak.get(command) ?? 0, inFlight.get(command)!));
      try {
        const result = await next(args);
        sent.push({ command, headers, ok: true });
        return result;
      } catch (err) {
        sent.push({ command, headers, ok: false });
        throw err;
      } finally {
        inFlight.set(command, inFlight.get(command)! - 1);
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'testCaptureRequests' },
  );
  return {
    sent,
    maxInFlight: (command) => peak.get(command) ?? 0,
    commands: () => sent.map((r) => r.command),
  };
}
