import Table from 'cli-table3';
import type { Profile } from '../adapters/contract';
import { type ConfigFile, resolveProfiles } from '../config/profiles';
import { profileValue } from '../matrix/tune/axes';
import type { Trial, TuneOutcome } from '../matrix/tune/tuner';
import { int, num, signedPercent } from '../model/format';
import { mdCode, mdText } from './markdown';

const gain = (o: TuneOutcome) => (o.baseline.score > 0 ? o.best.score / o.baseline.score - 1 : 0);

/** The name `run -p` takes for a tuned profile. */
export function tunedProfileName(o: Pick<TuneOutcome, 'adapter' | 'workload'>): string {
  return `${o.adapter}-tuned-${o.workload}`;
}

function health(t: Trial): string {
  return `${(t.errorRate * 100).toFixed(1)} % errors, ${t.verified ? 'verified' : 'NOT verified'}`;
}

/** Every tuned profile as a config file `dbmatrix run -c <file> -p <name>` loads: the default profile plus the winning changes. */
export function tunedProfilesConfig(outcomes: TuneOutcome[]): ConfigFile {
  const profiles: NonNullable<ConfigFile['profiles']> = {};
  for (const o of outcomes) {
    // The starting point's changes (tune --set) hold unless the search changed the same key.
    const keyOf = (c: string) => c.slice(0, c.indexOf('='));
    const changes = [...(o.start ?? []).filter((c) => !o.best.changes.some((b) => keyOf(b) === keyOf(c))), ...o.best.changes];
    const [resolved] = resolveProfiles({ adapters: [o.adapter], settings: changes.map((c) => `${o.adapter}.${c}`) });
    const from = o.start?.length ? ` (started from ${o.start.join(', ')})` : '';
    const def: Record<string, unknown> = {
      extends: o.baseProfile,
      description: `tuned by dbmatrix tune for ${o.workload}: ${o.best.changes.join(', ') || 'no change beat the start'}${from}`,
    };
    for (const change of changes) {
      const { path, value } = profileValue(resolved as Profile, change.slice(0, change.indexOf('=')));
      let at = def;
      for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
      at[path.at(-1)!] = value;
    }
    profiles[tunedProfileName(o)] = def as { extends: string };
  }
  return { profiles };
}

/** Trials faster than the best they ran against but not adoptable, one line each: the price of durability, or of errors. */
function passedOver(o: TuneOutcome): string[] {
  return o.trials.flatMap((t) => {
    const against = t.incumbentScore ?? o.best.score;
    if (t === o.best || t.score <= against * 1.05 || (t.eligible && t.notes.length === 0)) return [];
    return [
      `${t.changes.join(', ')}: ${int(t.score)} ${o.unit} (${signedPercent(against > 0 ? t.score / against - 1 : 0, 0)} over the best it ran against) but ${t.eligible ? t.notes.join('; ') : health(t)}`,
    ];
  });
}

/** The search as Markdown: per adapter and workload the default, the best, the gain, and what the gain cost. */
export function tuneMarkdown(outcomes: TuneOutcome[], settings: { ops: number | null; durationMs: number | null; repeats: number; budgetMs: number }): string {
  const lines = [
    '## dbmatrix tune',
    '',
    `${settings.repeats} repeat(s) × ${settings.ops === null ? `${num((settings.durationMs ?? 0) / 1000)} s` : `${int(settings.ops)} operations`} per candidate, budget ${Math.round(settings.budgetMs / 1000)} s. Each candidate runs in turn with the best so far (one repeat each, alternating), so both see the same machine; it counts only when every repeat completed with verified data, and replaces the best when its median is at least 5 % higher than the best's in the same rounds and the 90 % confidence interval excludes no gain. Values that trade safety for speed are not adopted without \`--allow-risky\`. Profiles: \`dbmatrix run -c tuned-profiles.json -p <adapter>-tuned-<workload>\`.`,
    '',
    '| adapter | workload | default | best | gain | changes | best: errors, data | trials |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const starts = [...new Set(outcomes.flatMap((o) => (o.start?.length ? [`${o.adapter}: ${o.start.join(', ')}`] : [])))];
  if (starts.length)
    lines.splice(3, 0, `Started from the default profiles with ${starts.map(mdCode).join('; ')}: "default" below means that starting point.`, '');
  for (const o of outcomes) {
    lines.push(
      `| ${mdText(o.adapter)} | ${mdCode(o.workload)} | ${int(o.baseline.score)} ${o.unit} | ${int(o.best.score)} ${o.unit} | ${signedPercent(gain(o), 0)} | ${o.best.changes.map(mdCode).join(' ') || 'none'} | ${health(o.best)} | ${o.trials.length}${o.skipped ? ` (+${o.skipped} left by the budget)` : ''} |`,
    );
  }
  const over = outcomes.flatMap((o) => passedOver(o).map((l) => `- ${mdCode(`${o.adapter} × ${o.workload}`)}: ${mdText(l)}`));
  if (over.length) lines.push('', '### Faster, but not adopted', '', ...over);
  return `${lines.join('\n')}\n`;
}

/** The search as a terminal table. */
export function tuneTable(outcomes: TuneOutcome[]): string {
  const table = new Table({
    head: ['adapter', 'workload', 'default', 'best', 'gain', 'changes', 'best: errors, data', 'trials'],
    style: { head: [], border: [] },
  });
  for (const o of outcomes) {
    table.push([
      o.adapter,
      o.workload,
      `${int(o.baseline.score)} ${o.unit}`,
      `${int(o.best.score)} ${o.unit}`,
      signedPercent(gain(o), 0),
      o.best.changes.join('\n') || 'none',
      health(o.best),
      `${o.trials.length}${o.skipped ? ` (+${o.skipped} skipped)` : ''}`,
    ]);
  }
  const over = outcomes.flatMap((o) => passedOver(o).map((l) => `not adopted: ${o.adapter} × ${o.workload}: ${l}`));
  return [table.toString(), ...over].join('\n');
}
