import type { ServerFlavour } from '../contract';

/** PostgreSQL changes behaviour between majors only; before 10, major.minor was the major. */
export function identifyPostgres(reported: string): ServerFlavour | undefined {
  const m = /^(?:PostgreSQL\s+)?(\d+)(?:\.(\d+))?/i.exec(reported);
  if (!m) return undefined;
  const major = Number(m[1]);
  if (major >= 10) return { flavour: 'postgres', version: String(major) };
  return m[2] === undefined ? undefined : { flavour: 'postgres', version: `${major}.${m[2]}` };
}
