// Copy Path — the selected items' paths, one per line.
import * as vscode from 'vscode';
import type { CommandSpec } from '../services';
import { pathsOf } from './pathsOf';

export const copyPathCommand: CommandSpec = {
  id: 'mlDiskSpace.copyPath',
  async run(s, clicked, selection) {
    const paths = pathsOf(s, clicked, selection);
    if (!paths.length) return undefined;
    await vscode.env.clipboard.writeText(paths.join('\n'));
    return paths;
  },
};
