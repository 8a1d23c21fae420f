import { z } from 'zod';
import { baseProfileShape, type Profile, profileShape } from '../adapters/contract';
import { ADAPTER_NAMES, ADAPTERS, type AdapterName, adapterFor, isAdapterName } from '../adapters/registry';
import { formatIssues, UserError } from '../model/user-error';
import type { ConfigFile } from './config-file';

export { type ConfigFile, loadConfigFile } from './config-file';

// What `--set` and a config file's `set` may name, read off the profile's schema, so a key added there is settable.
const FIELDS = Object.entries(baseProfileShape) as [string, z.ZodType][];
/** Top-level keys that take a number. */
const SCALAR_KEYS = FIELDS.flatMap(([key, schema]) => (schema instanceof z.ZodNumber ? [key] : []));
/** Top-level keys that take one of a few words. */
const CHOICE_KEYS: Record<string, readonly string[]> = Object.fromEntries(
  FIELDS.flatMap(([key, schema]) => (schema instanceof z.ZodEnum ? [[key, schema.options as string[]]] : [])),
);
/** Groups of keys set as group.key (pool.max, retry.maxAttempts, ...). */
const NESTED_KEYS: Record<string, readonly string[]> = Object.fromEntries(
  FIELDS.flatMap(([key, schema]) => (schema instanceof z.ZodObject ? [[key, Object.keys(schema.shape)]] : [])),
);

/** The full schema of one adapter's profile. */
function profileSchema(adapter: AdapterName) {
  return z
    .object({
      ...profileShape,
      adapter: z.literal(adapter),
      session: adapterFor(adapter).sessionSchema,
    })
    .strict();
}

/** Session keys of an adapter, with the enum options of each (empty for numbers). */
function sessionKeys(adapter: AdapterName): Record<string, readonly string[]> {
  const shape = (adapterFor(adapter).sessionSchema as unknown as z.ZodObject).shape;
  const keys: Record<string, readonly string[]> = {};
  for (const [key, schema] of Object.entries(shape)) {
    keys[key] = schema instanceof z.ZodEnum ? (schema.options as string[]) : [];
  }
  return keys;
}

/** Every key `--set` accepts for an adapter, for error messages and `list`. */
export function settableKeys(adapter: AdapterName): string[] {
  return [
    ...SCALAR_KEYS,
    ...Object.keys(CHOICE_KEYS),
    ...Object.entries(NESTED_KEYS).flatMap(([group, keys]) => keys.map((k) => `${group}.${k}`)),
    ...Object.keys(sessionKeys(adapter)),
  ];
}

/** Every built-in profile, by name. */
export function builtInProfiles(): Map<string, Profile> {
  const profiles = new Map<string, Profile>();
  for (const name of ADAPTER_NAMES) for (const p of ADAPTERS[name].defaultProfiles) profiles.set(p.name, structuredClone(p) as Profile);
  return profiles;
}

/** Convert a textual value to what the key expects (number or case-matched enum member). */
function coerce(adapter: AdapterName, key: string, raw: string | number, where: string): string | number {
  const options = CHOICE_KEYS[key] ?? sessionKeys(adapter)[key];
  if (options && options.length > 0) {
    const match = options.find((o) => o.toLowerCase() === String(raw).toLowerCase());
    if (!match) throw new UserError(`${where}: ${adapter} ${key} must be one of ${options.join(', ')}, not '${raw}'`);
    return match;
  }
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(n)) throw new UserError(`${where}: ${key} takes a number, not '${raw}'`);
  return n;
}

/** true/false, on/off, yes/no or 1/0. */
function toBoolean(raw: string | number | boolean, where: string): boolean {
  const text = String(raw).toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(text)) return true;
  if (['false', 'off', 'no', '0'].includes(text)) return false;
  throw new UserError(`${where} takes true or false, not '${raw}'`);
}

/** Apply one `key=value` to a profile, in place. */
function applySetting(profile: Profile, key: string, raw: string | number, where: string): void {
  const adapter = profile.adapter as AdapterName;
  const path = key.startsWith('session.') ? key.slice('session.'.length) : key;
  if (SCALAR_KEYS.includes(path) || path in CHOICE_KEYS) {
    (profile as unknown as Record<string, unknown>)[path] = coerce(adapter, path, raw, where);
    return;
  }
  const [group, sub] = path.split('.', 2);
  if (group && sub && NESTED_KEYS[group]?.includes(sub)) {
    const target = (profile as unknown as Record<string, Record<string, unknown>>)[group]!;
    target[sub] = typeof target[sub] === 'boolean' ? toBoolean(raw, `${where}: ${key}`) : coerce(adapter, sub, raw, where);
    return;
  }
  if (path in sessionKeys(adapter)) {
    profile.session[path] = coerce(adapter, path, raw, where);
    return;
  }
  throw new UserError(`${where}: unknown ${adapter} profile key '${key}'; valid keys: ${settableKeys(adapter).join(', ')}`);
}

/** `target.key`, where target is an adapter or a profile name. */
const TARGET_KEY = /^([a-z0-9-]+)\.([A-Za-z_.]+)$/;

/** Parse `target.key=value` (target: an adapter or a profile name). */
export function parseSetting(text: string): { target: string; key: string; value: string } {
  const eq = text.indexOf('=');
  const m = eq > 0 ? TARGET_KEY.exec(text.slice(0, eq)) : null;
  if (!m) throw new UserError(`--set '${text}' is not target.key=value (e.g. sqlite.journal_mode=DELETE or postgres-default.workers=50)`);
  return { target: m[1]!, key: m[2]!, value: text.slice(eq + 1) };
}

/** Deep-merge plain objects; arrays and scalars replace. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** What the user asked for: profiles by name or adapter, overrides, and a config file. */
export interface ProfileRequest {
  /** Adapter names whose default profile runs when no profile is named. */
  adapters: AdapterName[];
  /** Profile names to run; when set, adapters follow from them. */
  profiles?: string[];
  /** `--set` values, in order. */
  settings?: string[];
  /** Parsed config file. */
  config?: ConfigFile;
}

/** Resolve the profiles to run: built-ins plus config-file profiles, overrides applied, each validated. */
export function resolveProfiles(request: ProfileRequest): Profile[] {
  const all = builtInProfiles();
  for (const [name, def] of Object.entries(request.config?.profiles ?? {})) {
    const base = all.get(def.extends);
    if (!base) throw new UserError(`config profile '${name}' extends unknown profile '${def.extends}'; valid profiles: ${[...all.keys()].join(', ')}`);
    const { extends: _ignored, ...rest } = def;
    all.set(name, merge(base as unknown as Record<string, unknown>, { ...rest, name, adapter: base.adapter }) as unknown as Profile);
  }

  const overrides: { target: string; key: string; value: string | number; where: string }[] = [];
  // The config file's `set` keeps its values as data (numbers stay numbers); only its keys are parsed.
  for (const [k, v] of Object.entries(request.config?.set ?? {})) {
    const m = TARGET_KEY.exec(k);
    if (!m) throw new UserError(`config set '${k}' is not target.key (e.g. sqlite.journal_mode or postgres-default.workers)`);
    overrides.push({ target: m[1]!, key: m[2]!, value: v, where: `config set '${k}'` });
  }
  for (const s of request.settings ?? []) overrides.push({ ...parseSetting(s), where: `--set '${s}'` });
  for (const o of overrides) {
    const targets = [...all.values()].filter((p) => p.adapter === o.target || p.name === o.target);
    if (targets.length === 0) {
      throw new UserError(`${o.where}: '${o.target}' is neither an adapter nor a profile; valid: ${[...ADAPTER_NAMES, ...all.keys()].join(', ')}`);
    }
    for (const p of targets) applySetting(p, o.key, o.value, o.where);
  }

  let chosen: Profile[];
  if (request.profiles && request.profiles.length > 0) {
    chosen = request.profiles.map((name) => {
      const p = all.get(name);
      if (!p) throw new UserError(`unknown profile '${name}'; valid profiles: ${[...all.keys()].join(', ')}`);
      return p;
    });
  } else {
    chosen = request.adapters.map((a) => [...all.values()].find((p) => p.adapter === a)!);
  }

  return chosen.map((p) => {
    if (!isAdapterName(p.adapter)) throw new UserError(`profile ${p.name}: unknown adapter '${p.adapter}'`);
    const parsed = profileSchema(p.adapter).safeParse(p);
    if (!parsed.success) throw new UserError(`profile ${p.name} is invalid: ${formatIssues(parsed.error.issues)}`);
    return parsed.data as Profile;
  });
}

/** Parse a comma-separated adapter list, failing with the valid names. */
export function parseAdapterList(text: string): AdapterName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UserError(`no adapter given; valid adapters: ${ADAPTER_NAMES.join(', ')}`);
  for (const n of names) if (!isAdapterName(n)) throw new UserError(`unknown adapter '${n}'; valid adapters: ${ADAPTER_NAMES.join(', ')}`);
  return [...new Set(names)] as AdapterName[];
}
