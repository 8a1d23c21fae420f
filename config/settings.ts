import { z } from 'zod';
import { UserError } from '../model/user-error';

// `--set target.key=value` and a config file's `set` name a field of a schema (a profile's, its session's, a
// workload's parameters) by key or group.key; the schema says what the text becomes: a number, one of a few words,
// true or false.

/** A field's schema without the default or optional around it. */
function bare(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** Every key an object shape takes: its fields, and group.field for the fields of a nested object. */
export function shapeKeys(shape: z.ZodRawShape): string[] {
  return Object.entries(shape).flatMap(([key, field]) => {
    const s = bare(field as z.ZodType);
    return s instanceof z.ZodObject ? Object.keys(s.shape).map((sub) => `${key}.${sub}`) : [key];
  });
}

/** The schema of `key` (field or group.field) in an object shape, or undefined. */
function fieldSchema(shape: z.ZodRawShape, key: string): z.ZodType | undefined {
  const [group, sub] = key.split('.', 2) as [string, string | undefined];
  const field = Object.hasOwn(shape, group) ? bare(shape[group] as z.ZodType) : undefined;
  if (sub === undefined) return field && !(field instanceof z.ZodObject) ? field : undefined;
  return field instanceof z.ZodObject && Object.hasOwn(field.shape, sub) ? bare(field.shape[sub] as z.ZodType) : undefined;
}

/** true/false, on/off, yes/no or 1/0. */
function toBoolean(raw: string | number | boolean, where: string): boolean {
  const text = String(raw).toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(text)) return true;
  if (['false', 'off', 'no', '0'].includes(text)) return false;
  throw new UserError(`${where} takes true or false, not '${raw}'`);
}

/**
 * Set `key` (field or group.field) of `target` to `raw` as the shape's schema takes it, in place; false when the shape
 * has no such key. `owner` names whose field it is in a message (an adapter, a workload).
 */
export function setField(shape: z.ZodRawShape, target: Record<string, unknown>, key: string, raw: string | number, where: string, owner: string): boolean {
  const schema = fieldSchema(shape, key);
  if (!schema) return false;
  const name = key.split('.').at(-1)!;
  let value: unknown;
  if (schema instanceof z.ZodEnum) {
    const options = schema.options as string[];
    value = options.find((o) => o.toLowerCase() === String(raw).toLowerCase());
    if (value === undefined) throw new UserError(`${where}: ${owner} ${name} must be one of ${options.join(', ')}, not '${raw}'`);
  } else if (schema instanceof z.ZodBoolean) {
    value = toBoolean(raw, `${where}: ${key}`);
  } else {
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (String(raw).trim() === '' || !Number.isFinite(n)) throw new UserError(`${where}: ${name} takes a number, not '${raw}'`);
    value = n;
  }
  const [group, sub] = key.split('.', 2) as [string, string | undefined];
  if (sub === undefined) target[group] = value;
  else target[group] = { ...((target[group] as Record<string, unknown> | undefined) ?? {}), [sub]: value };
  return true;
}
