import { classifyKey } from '../../../../src/snapshot/inspect/k8s-keys.js';

describe('classifyKey', () => {
  it.each([
    [
      '/registry/pods/default/web-1',
      { prefix: 'pods', resource: 'pods', group: '', namespace: 'default' },
    ],
    [
      '/registry/namespaces/default',
      { prefix: 'namespaces', resource: 'namespaces', group: '', namespace: null },
    ],
    [
      '/registry/deployments/prod/api',
      { prefix: 'deployments', resource: 'deployments', group: '', namespace: 'prod' },
    ],
    [
      '/registry/services/specs/default/kubernetes',
      { prefix: 'services/specs', resource: 'services', group: '', namespace: 'default' },
    ],
    [
      '/registry/services/endpoints/default/kubernetes',
      { prefix: 'services/endpoints', resource: 'endpoints', group: '', namespace: 'default' },
    ],
    [
      '/registry/minions/node-1',
      { prefix: 'minions', resource: 'nodes', group: '', namespace: null },
    ],
    [
      '/registry/controllers/ns/rc',
      { prefix: 'controllers', resource: 'replicationcontrollers', group: '', namespace: 'ns' },
    ],
    [
      '/registry/ingress/ns/web',
      { prefix: 'ingress', resource: 'ingresses', group: '', namespace: 'ns' },
    ],
    [
      '/registry/ranges/serviceips',
      { prefix: 'ranges/serviceips', resource: 'serviceips', group: '', namespace: null },
    ],
    [
      '/registry/masterleases/10.0.0.1',
      { prefix: 'masterleases', resource: 'masterleases', group: '', namespace: null },
    ],
    [
      '/registry/etcdsnapshot.dev/etcdbackups/ns/nightly',
      {
        prefix: 'etcdsnapshot.dev/etcdbackups',
        resource: 'etcdbackups',
        group: 'etcdsnapshot.dev',
        namespace: 'ns',
      },
    ],
    [
      '/registry/apiextensions.k8s.io/customresourcedefinitions/etcdbackups.etcdsnapshot.dev',
      {
        prefix: 'apiextensions.k8s.io/customresourcedefinitions',
        resource: 'customresourcedefinitions',
        group: 'apiextensions.k8s.io',
        namespace: null,
      },
    ],
    [
      '/registry/apiregistration.k8s.io/apiservices/v1.apps',
      {
        prefix: 'apiregistration.k8s.io/apiservices',
        resource: 'apiservices',
        group: 'apiregistration.k8s.io',
        namespace: null,
      },
    ],
    ['/registry/health', { prefix: 'health', resource: 'health', group: '', namespace: null }],
    ['/registry/odd/a/b/c', { prefix: 'odd', resource: 'odd', group: '', namespace: null }],
  ])('%s', (key, expected) => {
    expect(classifyKey(key)).toEqual(expected);
  });

  it.each([
    '/other/pods/a/b',
    'registry/pods/a/b',
    '/registryx/pods/a',
    '/registry/',
    'compact_rev_key',
  ])('leaves %s outside', (key) => {
    expect(classifyKey(key)).toBeNull();
  });

  it('honours another --etcd-prefix', () => {
    expect(classifyKey('/kubernetes.io/pods/ns/p', '/kubernetes.io')).toMatchObject({
      resource: 'pods',
      namespace: 'ns',
    });
    expect(classifyKey('/registry/pods/ns/p', '/kubernetes.io')).toBeNull();
  });
});
