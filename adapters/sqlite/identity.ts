import type { ServerFlavour } from '../contract';

/** SQLite changes behaviour in minor releases, so its pins keep major.minor. */
export function identifySqlite(reported: string): ServerFlavour | undefined {
  const m = /^(?:SQLite\s+)?(\d+)\.(\d+)(?:\.\d+)?(?![.\d])/i.exec(reported);
  return m ? { flavour: 'sqlite', version: `${Number(m[1])}.${Number(m[2])}` } : undefined;
}
