import type { Adapter } from './contract';
import { mysql } from './mysql/adapter';
import { postgres } from './postgres/adapter';
import { sqlite } from './sqlite/adapter';

/** Every adapter, by name; the first, a file database that needs no server, runs when none is chosen. Adding a database is one folder and one line here. */
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

/** Adapters that reach a server (every one but a file database): the ones with a URL, an image and a container. */
export const SERVER_ADAPTERS = ADAPTER_NAMES.filter((name) => adapterFor(name).server !== undefined);

/** The adapter a run or a search uses when none is chosen: the first registered. */
export const DEFAULT_ADAPTER: AdapterName = ADAPTER_NAMES[0]!;

/** Every server flavour an adapter reaches, whose conformance answers are pinned apart. */
export const FLAVOURS: readonly string[] = ADAPTER_NAMES.flatMap((name) => adapterFor(name).flavours);

/**
 * Two profile names or more for the examples of help texts and messages, which name no database themselves: the default
 * adapter's first, then the others', so an adapter registered first with a single profile still gives two.
 */
export const EXAMPLE_PROFILES = examplePairOf(
  [DEFAULT_ADAPTER, ...ADAPTER_NAMES.filter((n) => n !== DEFAULT_ADAPTER)].flatMap((n) => adapterFor(n).defaultProfiles.map((p) => p.name)),
);

function examplePairOf(names: string[]): [string, string, ...string[]] {
  const [first, second, ...rest] = names;
  if (first === undefined || second === undefined) throw new Error(`the registry's adapters have ${names.length} default profile(s); help texts need two`);
  return [first, second, ...rest];
}
