// The scan's background threads run at a lower CPU priority when the extension host asks for it
// (setBackgroundThreadNice), so the host's own thread wins a busy core; the CLI leaves them alone.
// Read back from the kernel: the nice field of each thread in /proc/self/task/<tid>/stat.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { backgroundThreadNice, setBackgroundThreadNice } from '../../src/core/threadPriority';
import { Walker } from '../../src/core/walker/walker';
import { CheckpointInspector } from '../../src/core/categories/checkpoints/inspectPool';
import { tempFolder, type TempFolder } from '../support/tempFolder';

/** Niceness of every thread of this process but the main one. */
function workerNices(): number[] {
  return fs.readdirSync('/proc/self/task').filter((tid) => Number(tid) !== process.pid).map((tid) => {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces): nice is field 19.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}
const count = (values: number[], v: number) => values.filter((x) => x === v).length;

/** Each thread lowers its priority itself as it starts: waits (up to 10 s) until `n` more threads run at `nice`. */
async function threadsAt(nice: number, before: number, n: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (count(workerNices(), nice) - before < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return count(workerNices(), nice) - before;
}

describe('background threads: CPU priority below the thread that started them', function () {
  this.timeout(60_000);
  let box: TempFolder;
  beforeEach(() => {
    box = tempFolder('mlds-nice-');
    for (let i = 0; i < 50; i++) fs.mkdirSync(path.join(box.dir, `d${i}`, 'checkpoint-1'), { recursive: true });
  });
  afterEach(() => {
    setBackgroundThreadNice(0);
    box.cleanup();
  });

  it('by default (the CLI) every thread keeps the normal priority', async () => {
    assert.strictEqual(backgroundThreadNice(), 0);
    const walker = new Walker({ workers: 2 });
    try {
      await walker.walk([box.dir]);
      await new Promise((r) => setTimeout(r, 200));
      assert.strictEqual(count(workerNices(), 5), 0);
    } finally {
      await walker.close();
    }
  });

  it('with setBackgroundThreadNice(5) (the extension host): the walker threads and the inspection threads run 5 levels lower, this thread stays', async () => {
    setBackgroundThreadNice(5);
    const before = count(workerNices(), 5);
    const walker = new Walker({ workers: 2 });
    try {
      await walker.walk([box.dir]);
      assert.strictEqual(await threadsAt(5, before, 2), 2, `threads: ${workerNices().join(' ')}`);
    } finally {
      await walker.close();
    }
    const inspector = new CheckpointInspector({ workers: 2 });
    try {
      const dirs = fs.readdirSync(box.dir).map((d) => path.join(box.dir, d, 'checkpoint-1'));
      await inspector.results(dirs, []);
      assert.ok(await threadsAt(5, before, 1) >= 1, `threads: ${workerNices().join(' ')}`);
    } finally {
      await inspector.close();
    }
    const main = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    assert.strictEqual(Number(main.slice(main.lastIndexOf(')') + 2).split(' ')[16]), 0, 'this thread keeps its priority');
  });
});
