import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { buildInfo } from '../../src/config/build-info.js';
import { defaultImage } from '../../src/config/image.js';
import {
  CHART_DIR,
  find,
  helm,
  INSTALL_NAMESPACE,
  objectIds,
  renderHelm,
  renderKustomize,
  type Manifest,
} from '../support/manifests.js';

/**
 * deploy/ (kustomize) and the Helm chart install the same operator: these
 * tests render both with the real tools and compare what matters. That the
 * RBAC is enough is proven on the test bed (test/e2e/install.test.ts).
 */

let kustomized: Manifest[];
let templated: Manifest[];

beforeAll(async () => {
  [kustomized, templated] = await Promise.all([renderKustomize(), renderHelm()]);
});

interface PodTemplate {
  spec: {
    serviceAccountName?: string;
    securityContext?: unknown;
    containers: Array<Record<string, unknown>>;
  };
}

function container(manifests: Manifest[]): Record<string, unknown> {
  const deployment = find(manifests, 'Deployment') as Manifest & {
    spec: { template: PodTemplate };
  };
  const [operator, ...others] = deployment.spec.template.spec.containers;
  expect(others).toEqual([]);
  return operator!;
}

/** What the two renderings must agree on (helm adds imagePullPolicy). */
const CONTAINER_FIELDS = [
  'image',
  'args',
  'env',
  'ports',
  'livenessProbe',
  'readinessProbe',
  'resources',
  'securityContext',
];

function comparable(c: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(CONTAINER_FIELDS.map((k) => [k, c[k]]));
}

describe('helm chart', () => {
  it('passes helm lint --strict', async () => {
    const out = await helm('lint', CHART_DIR, '--strict');
    expect(out).toContain('0 chart(s) failed');
  });

  it('renders the same objects as kubectl kustomize deploy/, but the Namespace (helm --create-namespace)', () => {
    const withoutNamespace = kustomized.filter((m) => m.kind !== 'Namespace');
    expect(objectIds(templated)).toEqual(objectIds(withoutNamespace));
    expect(find(kustomized, 'Namespace').metadata.name).toBe(INSTALL_NAMESPACE);
  });

  it('grants exactly the RBAC rules of deploy/', () => {
    for (const kind of ['ClusterRole', 'Role']) {
      expect(find(templated, kind).rules).toEqual(find(kustomized, kind).rules);
    }
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      const [h, k] = [find(templated, kind), find(kustomized, kind)];
      expect([h.roleRef, h.subjects]).toEqual([k.roleRef, k.subjects]);
    }
  });

  it('runs the same Deployment: replicas, service account, pod and container settings', () => {
    const spec = (m: Manifest[]) => {
      const d = find(m, 'Deployment') as Manifest & {
        spec: { replicas: number; template: PodTemplate };
      };
      const { serviceAccountName, securityContext } = d.spec.template.spec;
      return { replicas: d.spec.replicas, serviceAccountName, securityContext };
    };
    expect(spec(templated)).toEqual(spec(kustomized));
    expect(comparable(container(templated))).toEqual(comparable(container(kustomized)));
    expect(find(templated, 'Service').spec).toMatchObject(
      find(kustomized, 'Service').spec as Record<string, unknown>,
    );
  });

  it('ships the same CRDs (test/unit/api/crds.test.ts keeps both copies generated)', () => {
    for (const name of ['etcdbackups.etcdsnapshot.dev', 'etcdrestores.etcdsnapshot.dev']) {
      expect(find(templated, 'CustomResourceDefinition', name).spec).toEqual(
        find(kustomized, 'CustomResourceDefinition', name).spec,
      );
    }
  });

  it('with watchNamespace: a Role there and --namespace; serviceMonitor off by default', async () => {
    expect(templated.some((m) => m.kind === 'ServiceMonitor')).toBe(false);
    const scoped = await renderHelm(
      '--set',
      'watchNamespace=team-a',
      '--set',
      'serviceMonitor.enabled=true',
    );
    expect(scoped.some((m) => m.kind === 'ClusterRole')).toBe(false);
    const role = scoped.find((m) => m.kind === 'Role' && m.metadata.namespace === 'team-a');
    expect(role?.rules).toEqual(find(kustomized, 'ClusterRole').rules);
    expect(container(scoped).args).toEqual(expect.arrayContaining(['--namespace', 'team-a']));
    expect(find(scoped, 'ServiceMonitor').spec).toMatchObject({
      endpoints: [expect.objectContaining({ port: 'http-metrics', path: '/metrics' })],
    });
  });

  it.each([
    [['--set', 'replicaCount=two'], /replicaCount.*(integer|got string)/],
    [['--set', 'image.pullPolicy=Sometimes'], /pullPolicy/],
    [['--set', 'replicas=3'], /additional properties 'replicas' not allowed/i],
    [['--set', 'image.registry=x'], /additional properties 'registry' not allowed/i],
    [['--set', 'healthPort=70000'], /healthPort/],
  ])('values.schema.json refuses %j, naming the value', async (args, message) => {
    await expect(renderHelm(...args)).rejects.toThrow(message);
    await expect(helm('lint', CHART_DIR, '--strict', ...args)).rejects.toThrow(message);
  });

  it('keeps a standby through a drain: a PodDisruptionBudget like deploy/, none for one replica', async () => {
    const pdb = find(templated, 'PodDisruptionBudget') as Manifest & { spec: unknown };
    expect(pdb.spec).toEqual({
      minAvailable: 1,
      selector: {
        matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': 'operator' }),
      },
    });
    const deployment = find(templated, 'Deployment') as Manifest & {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    expect((pdb.spec as { selector: unknown }).selector).toEqual(deployment.spec.selector);
    expect(
      (find(kustomized, 'PodDisruptionBudget') as Manifest & { spec: unknown }).spec,
    ).toMatchObject({
      minAvailable: 1,
    });
    const single = await renderHelm('--set', 'replicaCount=1');
    expect(single.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
  });

  it('refuses several replicas without leader election', async () => {
    await expect(renderHelm('--set', 'leaderElection.enabled=false')).rejects.toThrow(
      /needs replicaCount 1/,
    );
  });
});

describe('deploy/ and the chart match this build', () => {
  it("run this build's image: package.json's version is the image tag and the chart's appVersion", () => {
    expect(container(kustomized).image).toBe(defaultImage());
    expect(container(templated).image).toBe(defaultImage());
    const chart = parse(readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8')) as {
      appVersion: string;
    };
    expect(chart.appVersion).toBe(buildInfo().version);
  });

  it('start the operator with leader election in its own namespace', () => {
    expect(container(kustomized).args).toEqual([
      'operator',
      '--leader-election-namespace',
      '$(POD_NAMESPACE)',
      '--health-port',
      '8080',
    ]);
  });
});
