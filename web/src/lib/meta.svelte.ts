// /v1/meta, fetched once per page load: dataset kind (demo banner), freshness, feeds' licences,
// and whether card images may load from their remote hosts.
import { api, ok, type Schemas } from './api/client';

export type Meta = Schemas['Meta'];

class MetaStore {
  value = $state<Meta | null>(null);
  error = $state<Error | null>(null);
  #loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.#loading ??= ok(api.GET('/v1/meta'))
      .then((m) => {
        this.value = m;
      })
      .catch((err: Error) => {
        this.error = err;
        this.#loading = null;
      });
    return this.#loading;
  }
}

export const meta = new MetaStore();
