import { Writable } from 'node:stream';
import { createLogger, reconcileLogger } from '../../../src/observability/logger.js';
import { startHealthServer } from '../../../src/observability/health-server.js';
import { createControllerMetrics, createRegistry } from '../../../src/observability/metrics.js';

describe('logger', () => {
  it('writes JSON with child fields and redacts secret-looking values', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ destination });
    const child = reconcileLogger(log, { controller: 'backup', namespace: 'ns', name: 'b' });
    child.info(
      {
        creds: { password: 'p', secretAccessKey: 's', token: 't' },
        req: { headers: { authorization: 'Bearer x' } },
        token: 'top',
      },
      'reconciled',
    );
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'reconciled',
      controller: 'backup',
      namespace: 'ns',
      name: 'b',
    });
    expect(lines[0]).not.toMatch(/"p"|"s"|"t"|Bearer|top/);
    expect(lines[0]).toContain('[REDACTED]');
  });
});

describe('health server', () => {
  it('serves healthz, readyz and metrics', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const metrics = createControllerMetrics(registry);
    metrics.reconcileErrors.inc({ controller: 'backup' });
    let ready = false;
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      healthy: () => true,
      ready: () => ready,
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const body = await (await fetch(`${base}/metrics`)).text();
      expect(body).toContain(
        'etcd_snapshot_operator_reconcile_errors_total{controller="backup"} 1',
      );
    } finally {
      await server.close();
    }
  });
});
