import { readFileSync } from 'node:fs';
import { UserError } from './user-error';

/** Parse a JSON file the user named; a missing or malformed file is a UserError that names it and says what to do. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? err}; check the path`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what} ${path} is not valid JSON (${(err as Error).message}); fix its syntax`);
  }
}
