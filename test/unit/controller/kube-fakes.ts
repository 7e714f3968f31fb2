import { KubeError } from '../../../src/kube/errors.js';

/** A namespaced resource client over a Map: create refuses a name twice, delete an absent one. */
export class FakeWriter<T extends { metadata?: { name?: string } }> {
  readonly objects = new Map<string, T>();
  readonly created: string[] = [];
  readonly deleted: string[] = [];
  async get(_ns: string, name: string) {
    return this.objects.get(name);
  }
  async create(obj: T) {
    const name = obj.metadata?.name ?? '';
    if (this.objects.has(name))
      throw new KubeError('AlreadyExists', `${name} exists`, { status: 409 });
    this.objects.set(name, obj);
    this.created.push(name);
    return obj;
  }
  async delete(_ns: string, name: string) {
    if (!this.objects.delete(name))
      throw new KubeError('NotFound', `${name} not found`, { status: 404 });
    this.deleted.push(name);
    return true;
  }
}
