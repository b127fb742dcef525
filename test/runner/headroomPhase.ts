// Phase ui-headroom: the status bar on a nearly inode-full volume names inodes as the binding
// limit (workspace = a real tmpfs with nr_inodes=64, nearly used up), and after a real OOM kill
// (a Python child in a cgroup v1 memory cgroup with a 64 MiB limit) "ML Disk Space: Show Memory
// and OOM Kills" explains it in an editor tab. Needs root (mount, cgroup); screenshots of both.
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Phase } from './harness';
import { EXTENSION_ID } from './phases';
import { runCommand, statusBarItemsOf, waitForWorkbench } from './workbench';

const NR_INODES = 64;
const LEFT = 3;
const MEMCG_ROOT = '/sys/fs/cgroup/memory';

async function oomKillInCgroup(repoRoot: string, name: string): Promise<void> {
  const cg = path.join(MEMCG_ROOT, name);
  fs.mkdirSync(cg);
  try {
    fs.writeFileSync(path.join(cg, 'memory.limit_in_bytes'), String(64 << 20));
    if (fs.existsSync(path.join(cg, 'memory.memsw.limit_in_bytes'))) fs.writeFileSync(path.join(cg, 'memory.memsw.limit_in_bytes'), String(64 << 20));
    const train = path.join(repoRoot, 'test', 'support', 'headroom', 'train.py');
    const child = spawn('sh', ['-c', `echo $$ > ${cg}/cgroup.procs && exec /usr/bin/python3 ${train} grow`], { stdio: 'ignore' });
    const signal = await new Promise((resolve) => child.once('exit', (_c, s) => resolve(s)));
    if (signal !== 'SIGKILL') throw new Error(`the child in ${cg} was not OOM-killed (signal ${signal})`);
  } finally {
    fs.rmdirSync(cg);
  }
}

export const uiHeadroomPhase: Phase = {
  name: 'ui-headroom',
  description: 'status bar on a nearly inode-full tmpfs says inodes run out first; Show Memory and OOM Kills explains a real OOM kill',
  timeoutMs: 4 * 60_000,
  async run(ctx) {
    const mnt = path.join(ctx.tmpDir, 'inodes');
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=16m,nr_inodes=${NR_INODES}`, 'tmpfs', mnt]);
    try {
      const free = Number(execFileSync('stat', ['-f', '-c', '%d', mnt], { encoding: 'utf8' }).trim());
      fs.mkdirSync(path.join(mnt, 'dataset'));
      for (let i = 0; i < free - 1 - LEFT; i++) fs.writeFileSync(path.join(mnt, 'dataset', `sample-${i}.txt`), `${i}\n`);
      const server = await ctx.startServer();
      const page = await ctx.openWorkbench(server, { folder: mnt, payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
      await waitForWorkbench(page);
      const item = statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: /inodes left/ }).first();
      await item.waitFor({ state: 'visible', timeout: 60_000 });
      const text = (await item.innerText()).trim();
      const background = await item.evaluate((el) => getComputedStyle(el).backgroundColor);
      if (!text.includes(`${LEFT} inodes left`)) throw new Error(`status bar says "${text}", expected "${LEFT} inodes left"`);
      await item.hover();
      await page.waitForTimeout(1500); // the tooltip lists every limit
      const inodesShot = await ctx.screenshot(page, 'headroom-inodes.png');

      const name = `mlds-ui-oom-${process.pid}-${Date.now()}`;
      await oomKillInCgroup(ctx.repoRoot, name);
      await runCommand(page, 'ML Disk Space: Show Memory and OOM Kills');
      const editor = page.locator('.editor-instance .view-lines').first();
      const deadline = Date.now() + 60_000;
      let shown = '';
      while (!/was killed by the OOM killer/.test(shown) || !shown.includes(name)) {
        if (Date.now() > deadline) throw new Error(`the memory report does not explain the kill in cgroup ${name}:\n${shown}`);
        await page.waitForTimeout(500);
        shown = (await editor.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      }
      const oomShot = await ctx.screenshot(page, 'headroom-oom.png');
      const line = shown.split('\n').find((l) => l.includes('was killed by the OOM killer') && l.includes(name)) ?? '';
      return { checks: [`status bar: "${text}" (background ${background})`, `screenshot ${inodesShot}`, `memory report: "${line.trim()}"`, `screenshot ${oomShot}`] };
    } finally {
      spawnSync('umount', ['-l', mnt]);
    }
  },
};
