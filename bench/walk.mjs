// The walker alone, without the CLI's category scanners: one walk of PATH, totals as JSON.
//   node bench/walk.mjs PATH [--workers N] [--repeat K]
// Uses the walker bundled by bench/run.mjs (walker.cjs in bench/.cache or $MLDS_BENCH_DIR) and dist/walkerWorker.js.
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined);
const root = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const bundle = process.env.MLDS_BENCH_WALKER ?? path.join(path.resolve(process.env.MLDS_BENCH_DIR ?? path.join(repo, 'bench', '.cache')), 'walker.cjs');
const { Walker } = require(bundle);

const walker = new Walker({ workers: flag('--workers'), workerPath: path.join(repo, 'dist', 'walkerWorker.js') });
try {
  for (let i = 0; i < (flag('--repeat') ?? 1); i++) {
    const t0 = process.hrtime.bigint();
    const result = await walker.walk([path.resolve(root)], { topN: 20, detailDepth: 4 });
    const node = result.roots[0];
    process.stdout.write(JSON.stringify({
      ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes: node.bytes, apparentBytes: node.apparentBytes,
      files: node.files, dirs: node.dirs, units: result.units, errors: result.errorCount,
    }) + '\n');
  }
} finally {
  await walker.close();
}
