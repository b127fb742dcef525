// The VS Code Server category: old server builds, superseded extension versions and other
// leftovers of VS Code's remote server (and Insiders, Cursor, Windsurf) on this machine.
import { t } from '../../l10n';
import type { CategoryDescriptor } from '../descriptor';
import { reportLines } from './report';
import { planVscodeServer } from './plans';
import { KIND, VSCODE_SERVER_CATEGORY_ID, VSCODE_SERVER_CLEAN_ID, scanVscodeServer } from './scanner';

export const vscodeServerCategory: CategoryDescriptor = {
  id: VSCODE_SERVER_CATEGORY_ID,
  get label() { return t('VS Code Server'); },
  order: 47,
  icon: 'remote',
  cache: true,
  scan: scanVscodeServer,
  planFor: (ids, model, ctx) => planVscodeServer(ids, model, ctx.env, ctx.signal),
  purgeIds: {
    get [VSCODE_SERVER_CLEAN_ID]() { return t('VS Code Server: delete old server builds, superseded extension versions, downloaded extension packages, old logs and the storage of deleted folders (never a build or folder in use)'); },
  },
  reportLines,
  kinds: {
    [KIND.install]: { get label() { return t('VS Code Server folder'); }, icon: 'remote' },
    [KIND.builds]: { get label() { return t('Server builds'); }, icon: 'server-environment' },
    [KIND.build]: { get label() { return t('Server build'); }, icon: 'server' },
    [KIND.cli]: { get label() { return t('code CLI'); }, icon: 'terminal' },
    [KIND.extensions]: { get label() { return t('Old extension versions'); }, icon: 'extensions' },
    [KIND.extension]: { get label() { return t('Old extension version'); }, icon: 'extensions' },
    [KIND.vsixCache]: { get label() { return t('Downloaded extension packages'); }, icon: 'package' },
    [KIND.vsix]: { get label() { return t('Downloaded extension package'); }, icon: 'package' },
    [KIND.logs]: { get label() { return t('Logs of old sessions'); }, icon: 'output' },
    [KIND.log]: { get label() { return t('Log folder of an old session'); }, icon: 'output' },
    [KIND.storages]: { get label() { return t('Storage of deleted folders'); }, icon: 'database' },
    [KIND.storage]: { get label() { return t('Storage of a deleted folder'); }, icon: 'database' },
    [KIND.other]: { get label() { return t('VS Code Server (other)'); } },
  },
};
