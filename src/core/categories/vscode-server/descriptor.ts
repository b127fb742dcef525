// The VS Code Server category: old server builds, superseded extension versions and other
// leftovers of VS Code's remote server (and Insiders, Cursor, Windsurf) on this machine.
import type { CategoryDescriptor } from '../descriptor';
import { reportLines } from './report';
import { planVscodeServer } from './plans';
import { KIND, VSCODE_SERVER_CATEGORY_ID, VSCODE_SERVER_CLEAN_ID, VSCODE_SERVER_LABEL, scanVscodeServer } from './scanner';

export const vscodeServerCategory: CategoryDescriptor = {
  id: VSCODE_SERVER_CATEGORY_ID,
  label: VSCODE_SERVER_LABEL,
  order: 47,
  icon: 'remote',
  cache: true,
  scan: scanVscodeServer,
  planFor: (ids, model, ctx) => planVscodeServer(ids, model, ctx.env, ctx.signal),
  purgeIds: {
    [VSCODE_SERVER_CLEAN_ID]: 'VS Code Server: delete old server builds, superseded extension versions, downloaded extension packages, old logs and the storage of deleted folders (never a build or folder in use)',
  },
  reportLines,
  kinds: {
    [KIND.install]: { label: 'VS Code Server folder', icon: 'remote' },
    [KIND.builds]: { label: 'Server builds', icon: 'server-environment' },
    [KIND.build]: { label: 'Server build', icon: 'server' },
    [KIND.cli]: { label: 'code CLI', icon: 'terminal' },
    [KIND.extensions]: { label: 'Old extension versions', icon: 'extensions' },
    [KIND.extension]: { label: 'Old extension version', icon: 'extensions' },
    [KIND.vsixCache]: { label: 'Downloaded extension packages', icon: 'package' },
    [KIND.vsix]: { label: 'Downloaded extension package', icon: 'package' },
    [KIND.logs]: { label: 'Logs of old sessions', icon: 'output' },
    [KIND.log]: { label: 'Log folder of an old session', icon: 'output' },
    [KIND.storages]: { label: 'Storage of deleted folders', icon: 'database' },
    [KIND.storage]: { label: 'Storage of a deleted folder', icon: 'database' },
    [KIND.other]: { label: 'VS Code Server (other)' },
  },
};
