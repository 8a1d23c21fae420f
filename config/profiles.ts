import { z } from 'zod';
import { baseProfileShape, type Profile, profileShape } from '../adapters/contract';
import { ADAPTER_NAMES, ADAPTERS, type AdapterName, adapterFor, DEFAULT_ADAPTER, EXAMPLE_PROFILES, isAdapterName } from '../adapters/registry';
import type { Setting } from '../matrix/workloads/params';
import { isWorkloadName, WORKLOAD_NAMES, workloadFor } from '../matrix/workloads/registry';
import { formatIssues, UserError } from '../model/user-error';
import type { ConfigFile } from './config-file';
import { setField, shapeKeys } from './settings';

export { type ConfigFile, loadConfigFile } from './config-file';

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

/** The shape of an adapter's session schema. */
function sessionShape(adapter: AdapterName): z.ZodRawShape {
  return (adapterFor(adapter).sessionSchema as unknown as z.ZodObject).shape;
}

/** Every key `--set` accepts for an adapter, for error messages and `list`: the profile's keys, then its session's. */
export function settableKeys(adapter: AdapterName): string[] {
  return [...shapeKeys(baseProfileShape), ...shapeKeys(sessionShape(adapter))];
}

/** Every built-in profile, by name. */
export function builtInProfiles(): Map<string, Profile> {
  const profiles = new Map<string, Profile>();
  for (const name of ADAPTER_NAMES) for (const p of ADAPTERS[name].defaultProfiles) profiles.set(p.name, structuredClone(p) as Profile);
  return profiles;
}

/** Apply one `key=value` to a profile, in place: a profile key, else (also as session.key) a session key. */
function applySetting(profile: Profile, key: string, raw: string | number, where: string): void {
  const adapter = profile.adapter as AdapterName;
  const path = key.startsWith('session.') ? key.slice('session.'.length) : key;
  if (setField(baseProfileShape, profile as unknown as Record<string, unknown>, path, raw, where, adapter)) return;
  if (setField(sessionShape(adapter), profile.session, path, raw, where, adapter)) return;
  // Workload knobs were profile keys once: name the workload that owns one.
  const owner = WORKLOAD_NAMES.find((name) => {
    const params = workloadFor(name).params;
    return params !== undefined && shapeKeys(params.shape).includes(key);
  });
  if (owner) throw new UserError(`${where}: ${key} is a parameter of workload ${owner}, not of a profile: --set ${owner}.${key}=${raw}`);
  throw new UserError(`${where}: unknown ${adapter} profile key '${key}'; valid keys: ${settableKeys(adapter).join(', ')}`);
}

/** `target.key`, where target is an adapter, a profile or a workload name. */
const TARGET_KEY = /^([a-z0-9-]+)\.([A-Za-z_.]+)$/;

/** Parse `target.key=value` (target: an adapter, a profile or a workload name). */
export function parseSetting(text: string): { target: string; key: string; value: string } {
  const eq = text.indexOf('=');
  const m = eq > 0 ? TARGET_KEY.exec(text.slice(0, eq)) : null;
  if (!m) throw new UserError(`--set '${text}' is not target.key=value (e.g. ${DEFAULT_ADAPTER}.workers=4 or ${EXAMPLE_PROFILES[1]}.batchSize=500)`);
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
  /** Names of workload files in the run: settings aimed at them (or at a built-in workload) are their parameters, not a profile's. */
  workloads?: readonly string[];
}

/** The settings of a request: the config file's `set` (its values kept as data, only its keys parsed), then `--set`, in order. */
export function settingsOf(request: Pick<ProfileRequest, 'settings' | 'config'>): Setting[] {
  const settings: Setting[] = [];
  for (const [k, v] of Object.entries(request.config?.set ?? {})) {
    const m = TARGET_KEY.exec(k);
    if (!m) throw new UserError(`config set '${k}' is not target.key (e.g. ${DEFAULT_ADAPTER}.workers or ${EXAMPLE_PROFILES[1]}.batchSize)`);
    settings.push({ target: m[1]!, key: m[2]!, value: v, where: `config set '${k}'` });
  }
  for (const s of request.settings ?? []) settings.push({ ...parseSetting(s), where: `--set '${s}'` });
  return settings;
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

  for (const o of settingsOf(request)) {
    // A workload's parameters are resolveParams's to set.
    if (isWorkloadName(o.target) || request.workloads?.includes(o.target)) continue;
    const targets = [...all.values()].filter((p) => p.adapter === o.target || p.name === o.target);
    if (targets.length === 0) {
      throw new UserError(
        `${o.where}: '${o.target}' is not an adapter, a profile or a workload; valid: ${[...ADAPTER_NAMES, ...all.keys(), ...WORKLOAD_NAMES, ...(request.workloads ?? [])].join(', ')}`,
      );
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
