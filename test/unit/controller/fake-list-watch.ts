import type { ListWatchSource, WatchEvent, WatchHandlers } from '../../../src/kube/list-watch.js';
import type { ListResult } from '../../../src/kube/resource-client.js';

export interface Obj {
  metadata: { namespace?: string; name: string; resourceVersion?: string };
  data?: string;
}

export function obj(name: string, rv: string, data?: string): Obj {
  return { metadata: { namespace: 'ns', name, resourceVersion: rv }, data };
}

/** A scripted list/watch: the test decides what each list returns and drives watches. */
export class FakeListWatch implements ListWatchSource<Obj> {
  readonly description = 'fake';
  lists: Array<ListResult<Obj> | Error> = [];
  listCalls = 0;
  watchCalls: string[] = [];
  private current: { handlers: WatchHandlers<Obj>; stopped: boolean } | undefined;
  stops = 0;

  async list(): Promise<ListResult<Obj>> {
    this.listCalls++;
    const next = this.lists.length > 1 ? this.lists.shift()! : this.lists[0];
    if (!next) throw new Error('no list scripted');
    if (next instanceof Error) throw next;
    return next;
  }

  watch(resourceVersion: string, handlers: WatchHandlers<Obj>) {
    this.watchCalls.push(resourceVersion);
    const w = { handlers, stopped: false };
    this.current = w;
    return {
      stop: () => {
        if (!w.stopped) this.stops++;
        w.stopped = true;
      },
    };
  }

  get watching(): boolean {
    return this.current !== undefined && !this.current.stopped;
  }

  emit(event: WatchEvent<Obj>): void {
    if (!this.current || this.current.stopped) throw new Error('no open watch');
    this.current.handlers.onEvent(event);
  }

  close(err?: unknown): void {
    if (!this.current || this.current.stopped) throw new Error('no open watch');
    this.current.stopped = true;
    this.current.handlers.onClose(err);
  }
}
