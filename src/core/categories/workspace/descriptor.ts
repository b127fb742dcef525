// "Large workspace items": what is left of the workspace folders and extra roots once every
// other category took its part. Runs last.
import type { CategoryDescriptor } from '../descriptor';
import { scanWorkspace, WORKSPACE_CATEGORY_ID } from './scanner';
import { t } from '../../l10n';

export const workspaceCategory: CategoryDescriptor = {
  id: WORKSPACE_CATEGORY_ID,
  get label() { return t('Large workspace items'); },
  order: 1000,
  icon: 'folder-library',
  async scan(ctx) {
    if (!ctx.roots.length) return undefined;
    return { category: await scanWorkspace(ctx) };
  },
  kinds: {
    'workspace-folder': { get label() { return t('Workspace folder'); }, icon: 'root-folder' },
    folder: { get label() { return t('Folder'); }, icon: 'folder' },
    file: { get label() { return t('File'); }, icon: 'file' },
    symlink: { get label() { return t('Symbolic link'); }, icon: 'file-symlink-file' },
  },
};
