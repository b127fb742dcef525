// The native walker (native/, an experiment measured against the JS walker): one walk of PATH, totals as JSON.
//   node bench/walk-native.mjs PATH [--workers N] [--repeat K]
// Needs the addon built first: npm run native:build.
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined);
const root = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const { walk } = require(path.join(repo, 'native', 'build', 'Release', 'mlds_walk.node'));

for (let i = 0; i < (flag('--repeat') ?? 1); i++) {
  const t0 = process.hrtime.bigint();
  const threads = flag('--workers');
  const r = await walk(path.resolve(root), threads ? { threads } : {});
  process.stdout.write(JSON.stringify({
    ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes: r.bytes, apparentBytes: r.apparentBytes,
    files: r.files, dirs: r.dirs, threads: r.threads, errors: r.errorCount,
  }) + '\n');
}
