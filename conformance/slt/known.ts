import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../model/user-error';

/** A file of known differences: records a database fails for a reason someone has looked into and written down. */
export const knownDifferencesSchema = z
  .object({
    known: z.array(
      z
        .object({
          file: z.string().min(1).describe("The script, as the end of its path ('evidence/in2.test' matches any path ending in it)."),
          lines: z.array(z.number().int().min(1)).min(1).describe('Lines of the records (the line a record starts on, its first condition included).'),
          engines: z.array(z.string().min(1)).min(1).describe("Engine names it applies to, as the scripts' skipif/onlyif lines spell them."),
          cause: z.string().min(1).describe('Why they fail: the SQL construct, and which database the standard sides with.'),
        })
        .strict(),
    ),
  })
  .strict();

/** The known differences, looked up by file, engine and line. */
export class KnownDifferences {
  constructor(private readonly entries: z.infer<typeof knownDifferencesSchema>['known'] = []) {}

  /** Read a known-differences file; a file that does not parse or fit ends in one UserError line. */
  static read(path: string): KnownDifferences {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new UserError(`--known ${path}: ${(err as Error).message.split('\n')[0]}; give a JSON file of known differences (see docs/conformance.md)`);
    }
    const checked = knownDifferencesSchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new UserError(`--known ${path}: ${issue.path.join('.') || 'the file'}: ${issue.message}; see docs/conformance.md for its layout`);
    }
    return new KnownDifferences(checked.data.known);
  }

  /** The cause written down for a record of a file on an engine, if it is known to fail there. */
  causeOf(file: string, engine: string, line: number): string | undefined {
    const path = file.replaceAll('\\', '/');
    return this.entries.find((e) => (path === e.file || path.endsWith(`/${e.file}`)) && e.engines.includes(engine) && e.lines.includes(line))?.cause;
  }
}
