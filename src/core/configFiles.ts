// Every file at a fixed place that a scanner or a plan reads (not the files it walks), listed from
// the same functions the readers use. Tests put FIFOs, links to /dev/zero and huge files at each
// of these and check that a scan still ends: a new reader must add its files here.
import * as path from 'path';
import { dockerConfigFilesRead } from './categories/docker/connection';
import { condarcFiles } from './categories/conda/condarc';
import { condaLocations, type Env } from './locations';
import { t } from './l10n';

export interface ConfigFileRead {
  path: string;
  /** Who reads it, in words. */
  readBy: string;
}

/** Files read at fixed places for this environment. `dockerContext`: the context whose meta.json is read. */
export function configFilesRead(env: Env, homeDir: string, platform: NodeJS.Platform = process.platform, dockerContext?: string): ConfigFileRead[] {
  return [
    { path: condaLocations(env, homeDir, platform).environmentsTxt, readBy: t('conda scanner') },
    ...dockerConfigFilesRead(env, homeDir, dockerContext).map((p) => ({ path: p, readBy: t('Docker endpoint (scan, purge docker:*)') })),
    // The .condarc files a user writes (in HOME, or named by $CONDARC); system ones are read too.
    ...condarcFiles(env, homeDir).filter((p) => p.startsWith(homeDir + path.sep) || p === env.CONDARC?.trim()).map((p) => ({ path: p, readBy: t('conda scanner (pkgs_dirs)') })),
  ];
}

/**
 * Files read inside what a scan finds, relative to the folder they sit in: a checkpoint's
 * trainer_state.json, a DeepSpeed run's `latest`, a Hugging Face repo's refs.
 */
export const ITEM_FILES_READ = {
  checkpoint: ['trainer_state.json'],
  deepspeedRun: ['latest'],
  hfRepo: [path.join('refs', 'main')],
} as const;
