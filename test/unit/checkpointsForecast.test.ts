// The forecast: how much more space an HF run needs to reach max_steps, and where it runs out.
// Numbers are worked out by hand in each case.
import * as assert from 'assert';
import * as path from 'path';
import { forecastRun, scanCheckpointPaths, type Checkpoint, type Run, type TrainerStateSummary } from '../../src/core/categories/checkpoints';
import { volumeOf } from '../../src/core/volume';
import { makeHfRun } from '../support/checkpointFixtures';
import { diskBytes, makeSandbox } from '../support/deletionFixtures';

const GB = 1e9;

function run(state: Partial<TrainerStateSummary>, steps: number[], newestBytes: number): Pick<Run, 'trainerState' | 'checkpoints'> {
  const checkpoints = steps.map((step, i) => ({
    path: `/r/checkpoint-${step}`, name: `checkpoint-${step}`, format: 'hf', type: 'dir', step,
    bytes: i === steps.length - 1 ? newestBytes : 1,
  }) as Checkpoint);
  return {
    trainerState: { path: '/r/x', globalStep: null, maxSteps: null, saveSteps: null, epoch: null, numTrainEpochs: null, bestMetric: null, bestGlobalStep: null, bestModelCheckpoint: null, partial: false, ...state },
    checkpoints,
  };
}

describe('checkpoint forecast', function () {
  it('the 47 x 6.9 GB run: 20 more saves need ~138 GB; with 43 GB free it runs out near step 27000', () => {
    const steps = Array.from({ length: 47 }, (_, i) => (i + 1) * 500); // 500 … 23500
    const f = forecastRun(run({ globalStep: 23500, maxSteps: 33500, saveSteps: 500 }, steps, 6.9 * GB), 43 * GB)!;
    assert.strictEqual(f.savesLeft, 20); // 24000 … 33500
    assert.strictEqual(f.bytesNeeded, 20 * 6.9 * GB);
    assert.strictEqual(f.stepsLeft, 10000);
    assert.strictEqual(f.fits, false);
    // 43 / 6.9 = 6.2: saves at 24000 … 26500 fit (6), the 7th at 27000 does not.
    assert.strictEqual(f.runsOutAtStep, 27000);
    assert.strictEqual(f.message, 'needs ~138 GB more to finish; 43.0 GB free — runs out near step 27000 (high confidence: 47 saves 500 steps apart)');
    assert.strictEqual(f.saveIntervalSource, 'save_steps');
  });

  it('fits: no run-out step; the message says so', () => {
    const f = forecastRun(run({ globalStep: 1000, maxSteps: 2000, saveSteps: 500 }, [500, 1000], 2 * GB), 100 * GB)!;
    assert.deepStrictEqual([f.savesLeft, f.bytesNeeded, f.fits, f.runsOutAtStep], [2, 4 * GB, true, null]);
    assert.strictEqual(f.message, 'needs ~4.0 GB more to finish; 100 GB free (medium confidence: 2 saves 500 steps apart)');
  });

  it('max_steps off the save grid: one more save at the end of training', () => {
    // Saves at 800, 1000, then the final save at 1050.
    const f = forecastRun(run({ globalStep: 600, maxSteps: 1050, saveSteps: 200 }, [200, 400, 600], 10), null)!;
    assert.deepStrictEqual([f.savesLeft, f.bytesNeeded, f.stepsLeft, f.availableBytes, f.fits], [3, 30, 450, null, null]);
    assert.strictEqual(f.message, 'needs ~30 B more to finish (high confidence: 3 saves 200 steps apart)');
    // Out of space only for the final save: it runs out at max_steps.
    assert.strictEqual(forecastRun(run({ globalStep: 600, maxSteps: 1050, saveSteps: 200 }, [200, 400, 600], 10), 25)!.runsOutAtStep, 1050);
  });

  it('epoch saves (checkpoints off the save_steps grid): the spacing of the checkpoints is used', () => {
    const f = forecastRun(run({ globalStep: 3126, maxSteps: 7815, saveSteps: 500 }, [1563, 3126], 100), null)!;
    assert.deepStrictEqual([f.saveInterval, f.saveIntervalSource, f.savesLeft], [1563, 'checkpoint spacing', 3]); // 4689, 6252, 7815
  });

  it('save_steps as a ratio of max_steps', () => {
    const f = forecastRun(run({ globalStep: 300, maxSteps: 1000, saveSteps: 0.1 }, [100, 200, 300], 5), null)!;
    assert.deepStrictEqual([f.saveInterval, f.savesLeft, f.bytesNeeded], [100, 7, 35]);
  });

  it('no forecast for a finished run, one without max_steps, or without an HF checkpoint', () => {
    assert.strictEqual(forecastRun(run({ globalStep: 1000, maxSteps: 1000, saveSteps: 500 }, [500, 1000], 5), 1), null);
    assert.strictEqual(forecastRun(run({ globalStep: 500, saveSteps: 500 }, [500], 5), 1), null);
    assert.strictEqual(forecastRun({ ...run({ globalStep: 1, maxSteps: 9, saveSteps: 1 }, [], 5) }, 1), null);
    assert.strictEqual(forecastRun({ trainerState: null, checkpoints: [] }, 1), null);
  });

  it('on disk: the newest checkpoint\'s real size and the volume\'s free space (statfs)', async () => {
    const box = makeSandbox('mlds-forecast-');
    try {
      const r = makeHfRun(path.join(box.root, 'run'), { steps: [100, 200], saveSteps: 100, maxSteps: 1000, evals: new Map(), newestMs: Date.now() - 86_400_000 });
      const vol = await volumeOf(box.root);
      const { scan } = await scanCheckpointPaths([box.root], { env: {} });
      const f = scan.runs[0].forecast!;
      assert.strictEqual(f.checkpointBytes, diskBytes(r.last!));
      assert.strictEqual(f.savesLeft, 8);
      assert.strictEqual(f.bytesNeeded, 8 * diskBytes(r.last!));
      // Free space moves a little while the tests write files; same volume, same order of size.
      assert.ok(Math.abs(f.availableBytes! - vol.availableBytes) < 64 * 1024 * 1024, `${f.availableBytes} vs ${vol.availableBytes}`);
      assert.strictEqual(f.fits, true);
      // A volume too small for the rest: the same run with 3 checkpoints' worth of space runs out at the 4th save (step 600).
      const small = await scanCheckpointPaths([box.root], { env: {} });
      const tight = forecastRun(small.scan.runs[0], 3 * diskBytes(r.last!) + 1)!;
      assert.deepStrictEqual([tight.fits, tight.runsOutAtStep], [false, 600]);
    } finally {
      box.cleanup();
    }
  });
});
