// "Large workspace items": what is left of the workspace folders and extra roots once every
// other category took its part. Runs last.
import type { CategoryDescriptor } from '../descriptor';
import { scanWorkspace, WORKSPACE_CATEGORY_ID } from './scanner';

export const workspaceCategory: CategoryDescriptor = {
  id: WORKSPACE_CATEGORY_ID,
  label: 'Large workspace items',
  order: 1000,
  icon: 'folder-library',
  async scan(ctx) {
    if (!ctx.roots.length) return undefined;
    return { category: await scanWorkspace(ctx) };
  },
  kinds: {
    'workspace-folder': { label: 'Workspace folder', icon: 'root-folder' },
    folder: { label: 'Folder', icon: 'folder' },
    file: { label: 'File', icon: 'file' },
    symlink: { label: 'Symbolic link', icon: 'file-symlink-file' },
  },
};
