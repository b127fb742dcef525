// Phase ui-headroom: the status bar on a nearly inode-full volume names inodes as the binding
// limit (workspace = a real tmpfs with nr_inodes=64, nearly used up), and after a real OOM kill
// (a Python child in a cgroup v1 memory cgroup with a 64 MiB limit) "ML Disk Space: Show Memory
// and OOM Kills" explains it in an editor tab. After a scan the status bar's tooltip names the
// folder holding most files; while a real PyTorch process runs, the memory warning appears (with
// the threshold at 100 %, so any reading is low). Needs root (mount, cgroup); screenshots.
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
    let mostFiles = '';
    let inodesShot = '';
    let memoryWarning = '';
    let memoryShot = '';
    try {
      const free = Number(execFileSync('stat', ['-f', '-c', '%d', mnt], { encoding: 'utf8' }).trim());
      fs.mkdirSync(path.join(mnt, 'dataset'));
      for (let i = 0; i < free - 1 - LEFT; i++) fs.writeFileSync(path.join(mnt, 'dataset', `sample-${i}.txt`), `${i}\n`);
      // A threshold of 100 % makes any reading "low": the warning shows as soon as the run is seen.
      const server = await ctx.startServer({ settings: { 'mlDiskSpace.memory.warnBelowPercentAvailable': 100 } });
      const page = await ctx.openWorkbench(server, { folder: mnt, payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
      await waitForWorkbench(page);
      const item = statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: /inodes left/ }).first();
      await item.waitFor({ state: 'visible', timeout: 60_000 });
      const text = (await item.innerText()).trim();
      const background = await item.evaluate((el) => getComputedStyle(el).backgroundColor);
      if (!text.includes(`${LEFT} inodes left`)) throw new Error(`status bar says "${text}", expected "${LEFT} inodes left"`);
      // A real PyTorch process (a training run) while the scan runs: the scan's new model makes the memory watch look.
      const torch = spawn('/usr/bin/python3', ['-c', 'import torch, sys; print("ready", flush=True); sys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve, reject) => {
          torch.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
          torch.once('exit', (code) => reject(new Error(`python3 with torch exited (${code}) before it was ready`)));
        });
        // After a scan the tooltip also names the folder holding most files.
        await runCommand(page, 'View: Show ML Disk Space');
        await runCommand(page, 'ML Disk Space: Scan');
        const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /Most files/ }).first();
        const deadline = Date.now() + 60_000;
        for (;;) {
          await page.mouse.move(0, 0);
          await item.hover();
          if (await hover.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) break;
          if (Date.now() > deadline) throw new Error('the status-bar tooltip never named the folder with most files after a scan');
        }
        mostFiles = ((await hover.innerText()).split('\n').find((l) => l.includes('Most files')) ?? '').trim();
        if (!mostFiles.includes(path.join(mnt, 'dataset'))) throw new Error(`tooltip line "${mostFiles}" does not name ${path.join(mnt, 'dataset')}`);
        await page.waitForTimeout(500);
        inodesShot = await ctx.screenshot(page, 'headroom-inodes.png');
        await page.mouse.move(0, 0);

        await runCommand(page, 'Notifications: Show Notifications');
        const note = page.locator('.notifications-center .notification-list-item').filter({ hasText: /memory is available/ }).first();
        await note.waitFor({ state: 'visible', timeout: 90_000 });
        memoryWarning = (await note.innerText()).replace(/\s+/g, ' ').trim();
        if (!memoryWarning.includes(`(pid ${torch.pid})`) || !/Show Memory/.test(memoryWarning)) throw new Error(`memory warning "${memoryWarning}" does not name pid ${torch.pid} or lacks Show Memory`);
        memoryShot = await ctx.screenshot(page, 'headroom-memory-warning.png');
        await runCommand(page, 'Notifications: Clear All Notifications');
      } finally {
        torch.kill('SIGKILL');
      }

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
      return {
        checks: [
          `status bar: "${text}" (background ${background})`, `tooltip after a scan: "${mostFiles}"`, `screenshot ${inodesShot}`,
          `memory warning while a PyTorch process ran (threshold 100 %): "${memoryWarning}"`, `screenshot ${memoryShot}`,
          `memory report: "${line.trim()}"`, `screenshot ${oomShot}`,
        ],
      };
    } finally {
      spawnSync('umount', ['-l', mnt]);
    }
  },
};
