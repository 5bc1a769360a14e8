/**
 * The origins card and set images load from, read from the catalogue itself, so the web app's CSP
 * names exactly those hosts (and none when REMOTE_IMAGES is off). Recomputed only when the data
 * version changes, so asking costs one statement.
 */
import type { Kysely } from 'kysely';
import { readDataVersion } from '../../platform/db/data-version.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { distinctImageDocuments } from './image-hosts.repo.ts';

/** The https/http origins of every URL in an images document (`{"pokemontcg":{"small":"https://…"}}`). */
export function imageOrigins(document: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(document);
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!/^https?:\/\//i.test(v)) return;
      try {
        out.push(new URL(v).origin);
      } catch {
        // not a URL: not a host to allow
      }
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(value);
  return out;
}

export class ImageHosts {
  #version = '';
  #hosts: string[] = [];

  constructor(
    private readonly db: Kysely<Tables>,
    readonly remote: boolean,
  ) {}

  /**
   * The origins, sorted; empty when remote images are off. When the database cannot answer, the
   * last known list (the app's shell must still load and show the API's problem).
   */
  async list(): Promise<string[]> {
    if (!this.remote) return [];
    try {
      const version = await readDataVersion(this.db);
      if (version !== this.#version) {
        const origins = new Set<string>();
        for (const doc of await distinctImageDocuments(this.db)) for (const o of imageOrigins(doc)) origins.add(o);
        this.#hosts = [...origins].sort();
        this.#version = version;
      }
    } catch {
      // Keep the last known list.
    }
    return this.#hosts;
  }
}
