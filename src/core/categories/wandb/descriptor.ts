// The Weights & Biases category: the artifact cache and staging folder, and run folders under
// wandb/ in the workspace folders or WANDB_DIR (the rest of this folder does the work). Run folders
// are claimed before the workspace walk, so the workspace category never counts them again.
import { t } from '../../l10n';
import type { CategoryDescriptor } from '../descriptor';
import { wandbPlan } from './plans';
import { WANDB_CACHE_PURGE_ID, WANDB_CATEGORY_ID, WANDB_MEDIA_PURGE_ID, scanWandb } from './scanner';

export const wandbCategory: CategoryDescriptor = {
  id: WANDB_CATEGORY_ID,
  get label() { return t('Weights & Biases'); },
  // Before the checkpoints (order 50), whose walk of the workspace then leaves wandb/ folders out.
  order: 46,
  icon: 'pulse',
  cache: true,
  scan: scanWandb,
  planFor: wandbPlan,
  purgeIds: {
    get [WANDB_CACHE_PURGE_ID]() { return t('Weights & Biases: empty the artifact cache and staging (like wandb artifact cache cleanup); staging stays while an offline run is not synced'); },
    get [WANDB_MEDIA_PURGE_ID]() { return t('Weights & Biases: delete files/media of synced runs (never of runs not synced)'); },
  },
  kinds: {
    'wandb-artifact-cache': { get label() { return t('W&B artifact cache'); }, icon: 'archive' },
    'wandb-staging': { get label() { return t('W&B artifact staging'); }, icon: 'cloud-upload' },
    'wandb-runs': { get label() { return t('W&B run folders'); }, icon: 'folder-library' },
    'wandb-run': { get label() { return t('W&B run (online)'); }, icon: 'pulse' },
    'wandb-offline-run': { get label() { return t('W&B offline run, synced'); }, icon: 'cloud' },
    'wandb-unsynced-run': { get label() { return t('W&B offline run, not synced'); }, icon: 'warning' },
    'wandb-media': { get label() { return t('Logged media'); }, icon: 'file-media' },
    'wandb-other': { get label() { return t('W&B (other)'); } },
  },
};
