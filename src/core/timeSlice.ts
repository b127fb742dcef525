// Long loops on the editor's thread (thousands of checkpoints after a big scan) are cut into short
// tasks: every few milliseconds the loop lets the event loop run (input, timers, messages).
import { performance } from 'perf_hooks';

/** Called once per iteration of a long loop; what it returns, when anything, is awaited. */
export type TimeSlice = () => Promise<void> | undefined;

/**
 * A function to call once per iteration: it returns a promise to await when `sliceMs` have passed
 * since the last yield (the loop then continues after one turn of the event loop), else undefined.
 */
export function timeSlicer(sliceMs = 8): TimeSlice {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return new Promise<void>((resolve) => setImmediate(() => {
      sliceStart = performance.now();
      resolve();
    }));
  };
}
