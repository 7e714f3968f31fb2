import { assetEnvName, resolveBinaryWith, type Component } from '../../support/testbed/binaries.js';

describe('assetEnvName', () => {
  it.each([
    ['etcd', 'etcd-3.6', 'TEST_ASSET_ETCD'],
    ['etcd', 'etcd-3.5', 'TEST_ASSET_ETCD_3_5'],
    ['etcdutl', 'etcd-3.5', 'TEST_ASSET_ETCDUTL_3_5'],
    ['kube-apiserver', 'kube', 'TEST_ASSET_KUBE_APISERVER'],
    ['kube-controller-manager', 'kube', 'TEST_ASSET_KUBE_CONTROLLER_MANAGER'],
    ['versitygw', 'versitygw', 'TEST_ASSET_VERSITYGW'],
  ] as Array<[string, Component, string]>)('%s from %s -> %s', (binary, component, expected) => {
    expect(assetEnvName(binary, component)).toBe(expected);
  });
});

describe('resolveBinaryWith (envtest conventions)', () => {
  const built: Component[] = [];
  const lookup = (env: Record<string, string>, files: string[]) => ({
    env,
    exists: (f: string) => files.includes(f),
    buildDir: (c: Component) => {
      built.push(c);
      return `/cache/${c}`;
    },
  });
  beforeEach(() => built.splice(0));

  it('prefers TEST_ASSET_<NAME> and builds nothing', () => {
    const l = lookup({ TEST_ASSET_ETCD: '/opt/etcd', KUBEBUILDER_ASSETS: '/kb' }, [
      '/opt/etcd',
      '/kb/etcd',
    ]);
    expect(resolveBinaryWith('etcd', 'etcd-3.6', l)).toBe('/opt/etcd');
    expect(built).toEqual([]);
  });

  it('rejects a TEST_ASSET_<NAME> that does not exist instead of silently building', () => {
    const l = lookup({ TEST_ASSET_ETCD: '/nope' }, []);
    expect(() => resolveBinaryWith('etcd', 'etcd-3.6', l)).toThrow(
      'TEST_ASSET_ETCD=/nope does not exist',
    );
  });

  it('uses $KUBEBUILDER_ASSETS/<name> next', () => {
    const l = lookup({ KUBEBUILDER_ASSETS: '/kb' }, ['/kb/kube-apiserver']);
    expect(resolveBinaryWith('kube-apiserver', 'kube', l)).toBe('/kb/kube-apiserver');
  });

  it('does not take a non-default version from KUBEBUILDER_ASSETS', () => {
    const l = lookup({ KUBEBUILDER_ASSETS: '/kb' }, ['/kb/etcd']);
    expect(resolveBinaryWith('etcd', 'etcd-3.5', l)).toBe('/cache/etcd-3.5/etcd');
    expect(built).toEqual(['etcd-3.5']);
  });

  it('falls back to the pinned build cache', () => {
    const l = lookup({ KUBEBUILDER_ASSETS: '/kb' }, []);
    expect(resolveBinaryWith('versitygw', 'versitygw', l)).toBe('/cache/versitygw/versitygw');
  });
});
