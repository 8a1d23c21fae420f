import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ADAPTER_NAMES, isAdapterName } from '../adapters/registry';
import { type WorkloadRef, workloadRef } from '../matrix/workloads/sources';
import { readJsonFile } from '../model/json-file';
import { formatIssues, UserError } from '../model/user-error';
import { defaultExport, requireUserModule } from './user-module';

/** Names looked for in the working directory when no --config is given, in this order. */
export const CONFIG_FILE_NAMES = [
  'dbmatrix.config.ts',
  'dbmatrix.config.mts',
  'dbmatrix.config.js',
  'dbmatrix.config.mjs',
  'dbmatrix.config.cjs',
  'dbmatrix.config.json',
];

/** The units a duration takes, in ms; a bare number is seconds, on the command line, in a config file and in the API alike. */
const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** The durations a user may write, for messages. */
export const DURATION_EXAMPLES = "'500ms', '30s', '2m' or '1h' (a bare number is seconds)";

/** A duration ('500ms', '30s', '2m', '1h', or a number of seconds, as text or a number), in ms; null when it is not one or under 100 ms. */
export function durationMs(value: string | number): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(value).trim());
  const ms = m ? Number(m[1]) * DURATION_UNITS[(m[2] ?? 's') as keyof typeof DURATION_UNITS] : NaN;
  return ms >= 100 ? Math.round(ms) : null;
}

const adapterName = z.string().refine(isAdapterName, `expected one of ${ADAPTER_NAMES.join(', ')}`);
const byAdapter = z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).superRefine((record, ctx) => {
  for (const key of Object.keys(record)) {
    if (!isAdapterName(key)) ctx.addIssue({ code: 'custom', path: [key], message: `unknown adapter; expected one of ${ADAPTER_NAMES.join(', ')}` });
  }
});

/** The config file: what to run, on which servers, with which profiles, for how long. Command-line flags and, for servers, the environment override it. */
export const configFileSchema = z
  .object({
    /** Adapters to run with their default profile (like --adapter). */
    adapters: z.array(adapterName).min(1).optional(),
    /** Profiles to run by name, built-in or defined below (like --profile); when given, they decide the adapters. */
    runProfiles: z.array(z.string()).min(1).optional(),
    /** New named profiles, each extending an existing one. */
    profiles: z
      .record(z.string(), z.object({ extends: z.string() }).catchall(z.unknown()))
      .superRefine((record, ctx) => {
        for (const key of Object.keys(record)) {
          if (!/^[a-z0-9][a-z0-9-]*$/.test(key))
            ctx.addIssue({ code: 'custom', path: [key], message: 'a profile name must use lower-case letters, digits and dashes' });
        }
      })
      .optional(),
    /** Overrides as in `--set`, e.g. { "postgres.workers": 50 }. */
    set: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    /** Workloads (like --workload): built-in names, or workload files relative to this file. */
    workloads: z.array(z.string().min(1)).min(1).optional(),
    /** Server URLs by adapter name: one, or a list to measure several servers side by side. */
    servers: byAdapter.optional(),
    /** Container images by adapter name, for Testcontainers: one, or a list (or a comma-separated string) to measure each side by side. */
    images: byAdapter.optional(),
    /** Measured operations per cell (like --ops). */
    ops: z.number().int().positive().optional(),
    /** Measured time per cell instead (like --duration): '30s', '2m', or a number of seconds. */
    duration: z
      .union([z.number(), z.string()])
      .refine((t) => durationMs(t) !== null, `expected a duration of at least 100 ms such as ${DURATION_EXAMPLES}`)
      .optional(),
    /** Warm-up operations per cell (like --warmup). */
    warmup: z.number().int().min(0).optional(),
    /** Times each cell runs (like --repeat). */
    repeat: z.number().int().positive().optional(),
    /** Open-loop operations per second (like --rate). */
    rate: z.number().positive().optional(),
    /** Share of failed operations a cell may have and still pass (like --max-error-rate). */
    maxErrorRate: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((c) => !(c.ops !== undefined && c.duration !== undefined), { message: 'give ops or duration, not both', path: ['duration'] });

/** What a config file holds, as the run reads it (workloads resolved to references, duration in ms). */
export type ConfigFile = Omit<z.infer<typeof configFileSchema>, 'workloads' | 'duration'> & {
  /** Workload references, files made absolute. */
  workloads?: WorkloadRef[];
  /** Measured time per cell in ms. */
  duration?: number;
};

/** What a user writes in dbmatrix.config.ts (the input shape: defaults not yet applied). */
export type DbmatrixConfig = z.input<typeof configFileSchema>;

/** The config a module exports (default export or module.exports). */
function fromModule(path: string): unknown {
  const mod = requireUserModule(path, 'config file');
  return defaultExport(mod) ?? mod;
}

/** Read and validate a config file (.ts, .js, .mjs, .cjs or .json); an error names the file, the key and what was expected. */
export function loadConfigFile(file: string): ConfigFile {
  const path = resolve(file);
  // A missing file goes to readJsonFile too: its error names the path and says to check it.
  const raw = extname(path) === '.json' || !existsSync(path) ? readJsonFile(path, 'config file') : fromModule(path);
  return checkConfig(raw, `config file ${path}`, dirname(path));
}

/** Validate a config (from a file, or given to the API as an object); workload files are resolved against `baseDir`. */
export function checkConfig(raw: unknown, where: string, baseDir: string): ConfigFile {
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`${where} is invalid: ${formatIssues(parsed.error.issues)}`);
  const { workloads, duration, ...rest } = parsed.data;
  const config: ConfigFile = { ...rest };
  if (duration !== undefined) config.duration = durationMs(duration)!;
  if (workloads) {
    config.workloads = workloads.map((w, i) => {
      try {
        return workloadRef(w, baseDir);
      } catch (err) {
        throw new UserError(`${where}: workloads.${i}: ${(err as Error).message}`);
      }
    });
  }
  return config;
}

/** The config file to use: the one given, else the first of CONFIG_FILE_NAMES in `dir`, else none. */
export function findConfigFile(given: string | undefined, dir = process.cwd()): ConfigFile | undefined {
  if (given) return loadConfigFile(given);
  const found = CONFIG_FILE_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p));
  return found ? loadConfigFile(found) : undefined;
}
