// Child process for permission tests, started as an unprivileged user by unprivileged.ts. It reads
// a job from the JSON file in argv[2] and prints {uid, ...result} as JSON:
//   {op: 'execute', plan, options}  -> {uid, report}   (executePlan)
//   {op: 'walk', roots, options}    -> {uid, result}   (walk)
import * as fs from 'fs';
import { executePlan } from '../../src/core/executor';
import { walk } from '../../src/core/walker/walker';

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const uid = process.getuid?.() ?? -1;
  if (job.op === 'walk') {
    const result = await walk(job.roots, job.options ?? {});
    process.stdout.write(JSON.stringify({ uid, result }));
    return;
  }
  const report = await executePlan(job.plan, job.options ?? {});
  process.stdout.write(JSON.stringify({ uid, report }));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
