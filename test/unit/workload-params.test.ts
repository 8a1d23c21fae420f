import { settingsOf } from '../../config/profiles';
import { resolveParams } from '../../matrix/workloads/params';
import { workloadFor } from '../../matrix/workloads/registry';
import { UserError } from '../../model/user-error';

// A workload's own knobs are declared by the workload, with defaults and validation, and set per workload with
// `--set <workload>.<key>=<value>` or a config file's `set`; profiles keep what belongs to a connection.

const params = (workload: string, settings: string[] = [], config?: Record<string, string | number>) =>
  resolveParams(workloadFor(workload as never), settingsOf({ settings, config: config ? { set: config } : undefined }));

describe('workload parameters', () => {
  test('each workload runs with its own defaults, and one without knobs with none', () => {
    expect(params('hot-row-update')).toEqual({ hotRows: 4 });
    expect(params('read-point')).toEqual({ readTableRows: 10_000 });
    expect(params('read-range')).toEqual({ readTableRows: 10_000, rangeSize: 100 });
    expect(params('crud-mix')).toEqual({ crudWeights: { insert: 40, read: 30, update: 20, delete: 10 } });
    expect(params('insert-sequential')).toEqual({});
  });

  test('--set and a config file set them, the later winning, nested keys one at a time, and only on their workload', () => {
    expect(params('hot-row-update', ['hot-row-update.hotRows=3'])).toEqual({ hotRows: 3 });
    expect(params('hot-row-update', ['hot-row-update.hotRows=3'], { 'hot-row-update.hotRows': 7 })).toEqual({ hotRows: 3 });
    expect(params('crud-mix', ['crud-mix.crudWeights.delete=0'])).toEqual({ crudWeights: { insert: 40, read: 30, update: 20, delete: 0 } });
    expect(params('read-point', ['read-range.readTableRows=50', 'sqlite.workers=2'])).toEqual({ readTableRows: 10_000 });
  });

  test.each([
    [['hot-row-update.hotRows=0'], 'hot-row-update', /workload hot-row-update: hotRows: Too small/],
    [['hot-row-update.hotRows=few'], 'hot-row-update', /hotRows takes a number, not 'few'/],
    [['hot-row-update.rows=3'], 'hot-row-update', /unknown hot-row-update parameter 'rows'; valid: hotRows/],
    [['insert-sequential.rows=3'], 'insert-sequential', /workload insert-sequential has no parameters to set/],
    [['read', 'update', 'delete', 'insert'].map((k) => `crud-mix.crudWeights.${k}=0`), 'crud-mix', /crud weights must not all be 0/],
  ])('%j is refused with one line naming the problem', (settings, workload, message) => {
    expect(() => params(workload, settings)).toThrow(UserError);
    expect(() => params(workload, settings)).toThrow(message);
  });
});
