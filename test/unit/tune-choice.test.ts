import { adoptable, beats } from '../../matrix/tune/tuner';

describe('which tune candidate may replace the best', () => {
  const fast = { score: 2000, samples: [1990, 2010] };
  const slow = { score: 1000, samples: [995, 1005] };

  test('a candidate whose data did not verify never wins, however fast', () => {
    expect(adoptable({ eligible: false }, false, false)).toBe(false);
    expect(adoptable({ eligible: false }, true, true)).toBe(false);
  });

  test('a risky value wins only with --allow-risky', () => {
    expect(adoptable({ eligible: true }, true, false)).toBe(false);
    expect(adoptable({ eligible: true }, true, true)).toBe(true);
  });

  test('a gain counts only past 5 % and beyond the noise of the repeats', () => {
    expect(beats(fast, slow)).toBe(true);
    expect(beats(slow, fast)).toBe(false);
    expect(beats({ score: 1040, samples: [1035, 1045] }, slow)).toBe(false);
    expect(beats({ score: 1500, samples: [600, 2400] }, slow)).toBe(false);
  });
});
