// Background threads (the walker's, checkpoint inspection's, the Hugging Face listing's) can run
// at a lower CPU priority than the thread that started them. In the editor that thread is the
// extension host's: on a 2-core machine two walker threads and two inspection threads otherwise
// get as much CPU as it does, and each of its short tasks (a message to read, a view to update)
// waits its turn — seconds of stalls per scan. The CLI leaves them at the normal priority.
import * as fs from 'fs';
import * as os from 'os';

/** Niceness added to every background thread started from now on (0: the normal priority). */
let backgroundNice = 0;

/** Makes the background threads started from now on run `nice` levels below this one (0 to 19). */
export function setBackgroundThreadNice(nice: number): void {
  backgroundNice = Math.max(0, Math.min(19, Math.trunc(nice)));
}

/** What a new background thread should add to its niceness (passed to it at start). */
export function backgroundThreadNice(): number {
  return backgroundNice;
}

/**
 * Called inside a worker thread: lowers this thread's priority alone by `nice`. Linux applies
 * setpriority() to one thread when given its thread id (/proc/thread-self names it); elsewhere, or
 * where that fails, the thread keeps the normal priority. Never throws.
 */
export function lowerThisThreadPriority(nice: number): void {
  if (!(nice > 0) || process.platform !== 'linux') return;
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(fs.readlinkSync('/proc/thread-self'))?.[1]);
    if (tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + nice));
  } catch {
    // No /proc, or not permitted: the normal priority.
  }
}
