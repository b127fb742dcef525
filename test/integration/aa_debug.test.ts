import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { hostLog } from './hostLog';
import { readFixture } from './fixture';
import type { MlDiskSpaceApi } from '../../src/host/api';

const fx = readFixture();
describe('debug watcher 2', () => {
  it('A: sidebar as is', async function () {
    this.timeout(60000);
    const api = await vscode.extensions.getExtension<MlDiskSpaceApi>('ml-disk-space.ml-disk-space')!.activate();
    await new Promise((r) => setTimeout(r, 3000));
    fs.mkdirSync(path.join(fx.workspace, 'dbgA', 'checkpoint-1'), { recursive: true });
    await new Promise((r) => setTimeout(r, 3000));
    hostLog('A seen: ' + api.logLines().filter((l) => l.includes('change seen')).join(' | '));
    const w = vscode.workspace.createFileSystemWatcher('**/*');
    fs.mkdirSync(path.join(fx.workspace, 'dbgB', 'checkpoint-1'), { recursive: true });
    await new Promise((r) => setTimeout(r, 3000));
    hostLog('B seen: ' + api.logLines().filter((l) => l.includes('change seen')).join(' | '));
    w.dispose();
    const w2 = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(fx.workspace), '**/checkpoint-*'));
    await new Promise((r) => setTimeout(r, 6000));
    fs.mkdirSync(path.join(fx.workspace, 'dbgC', 'checkpoint-1'), { recursive: true });
    await new Promise((r) => setTimeout(r, 3000));
    hostLog('C seen: ' + api.logLines().filter((l) => l.includes('change seen')).join(' | '));
    w2.dispose();
  });
});
