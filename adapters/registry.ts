import type { Adapter } from './contract';
import { mysql } from './mysql';
import { postgres } from './postgres';
import { sqlite } from './sqlite';

/** Every adapter, by name. Adding a database is one file and one line here. */
export const ADAPTERS = { sqlite, postgres, mysql } as const;

/** The name of a registered adapter. */
export type AdapterName = keyof typeof ADAPTERS;

/** Registered adapter names, in registry order. */
export const ADAPTER_NAMES = Object.keys(ADAPTERS) as AdapterName[];

/** Whether a string names a registered adapter. */
export function isAdapterName(name: string): name is AdapterName {
  return Object.hasOwn(ADAPTERS, name);
}

/** The adapter for a name, with its session type erased for generic callers. */
export function adapterFor(name: AdapterName): Adapter {
  return ADAPTERS[name] as unknown as Adapter;
}
