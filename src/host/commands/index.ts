// Every command of the extension, registered in one place. To add one: write
// commands/<name>.ts exporting a CommandSpec, add it to COMMANDS below, and declare it in
// package.json (contributes.commands, plus menus; tree-only commands hidden from the palette).
import * as vscode from 'vscode';
import { errorText, ReportedError } from '../log';
import type { CommandSpec, HostServices } from '../services';
import { cacheCleanTorchCommand } from './cacheCleanTorch';
import { cacheCleanUvCommand } from './cacheCleanUv';
import { cacheDeleteItemsCommand } from './cacheDeleteItems';
import { cacheDeleteTorchItemsCommand } from './cacheDeleteTorchItems';
import { gpuCachesCleanCommand } from './gpuCachesClean';
import { wandbCleanCacheCommand } from './wandbCleanCache';
import { wandbDeleteMediaCommand } from './wandbDeleteMedia';
import { checkpointDeleteCommand } from './checkpointDelete';
import { condaCleanPackagesCommand } from './condaCleanPackages';
import { condaCleanTarballsCommand } from './condaCleanTarballs';
import { condaRemoveEnvsCommand } from './condaRemoveEnvs';
import { hfDeleteReposCommand } from './hfDeleteRepos';
import { hfDeleteRevisionsCommand } from './hfDeleteRevisions';
import { hfPruneCommand } from './hfPrune';
import { purgePipCacheCommand } from './purgePipCache';
import { retentionApplyCommand } from './retentionApply';
import { slimCheckpointsCommand } from './slimCheckpoints';
import { cancelScanCommand } from './cancelScan';
import { cleanUpCommand } from './cleanUp';
import { copyPathCommand } from './copyPath';
import { deleteItemsCommand } from './deleteItems';
import { analyzeImageCommand } from './analyzeImage';
import { compareImageCommand } from './compareImage';
import { dockerPruneBuildCacheCommand } from './dockerPruneBuildCache';
import { dockerPruneDanglingImagesCommand } from './dockerPruneDanglingImages';
import { dockerPruneStoppedContainersCommand } from './dockerPruneStoppedContainers';
import { dockerPruneUnusedImagesCommand } from './dockerPruneUnusedImages';
import { dockerPruneUnusedVolumesCommand } from './dockerPruneUnusedVolumes';
import { dockerRemoveContainersCommand } from './dockerRemoveContainers';
import { dockerRemoveImagesCommand } from './dockerRemoveImages';
import { dockerRemoveVolumesCommand } from './dockerRemoveVolumes';
import { dockerRetryImageAnalysisCommand } from './dockerRetryImageAnalysis';
import { findLargeItemCommand } from './findLargeItem';
import { resetWarningsCommand } from './resetWarnings';
import { retryCategoryCommand } from './retryCategory';
import { revealInExplorerCommand } from './revealInExplorer';
import { revealInOSCommand } from './revealInOS';
import { scanCommand } from './scan';
import { showChartCommand } from './showChart';
import { showLogCommand } from './showLog';
import { showMemoryCommand } from './showMemory';
import { showWhatUsesSpaceCommand } from './showWhatUsesSpace';
import { displayText } from '../../core/displayText';

export const COMMANDS: CommandSpec[] = [
  scanCommand,
  cancelScanCommand,
  findLargeItemCommand,
  showLogCommand,
  showMemoryCommand,
  showChartCommand,
  showWhatUsesSpaceCommand,
  revealInOSCommand,
  revealInExplorerCommand,
  copyPathCommand,
  deleteItemsCommand,
  retryCategoryCommand,
  resetWarningsCommand,
  cleanUpCommand,
  retentionApplyCommand,
  slimCheckpointsCommand,
  checkpointDeleteCommand,
  hfDeleteRevisionsCommand,
  hfDeleteReposCommand,
  hfPruneCommand,
  condaRemoveEnvsCommand,
  condaCleanTarballsCommand,
  condaCleanPackagesCommand,
  purgePipCacheCommand,
  cacheCleanUvCommand,
  cacheDeleteTorchItemsCommand,
  cacheCleanTorchCommand,
  cacheDeleteItemsCommand,
  gpuCachesCleanCommand,
  wandbCleanCacheCommand,
  wandbDeleteMediaCommand,
  dockerPruneDanglingImagesCommand,
  dockerPruneUnusedImagesCommand,
  dockerPruneStoppedContainersCommand,
  dockerPruneUnusedVolumesCommand,
  dockerPruneBuildCacheCommand,
  dockerRemoveImagesCommand,
  dockerRemoveContainersCommand,
  dockerRemoveVolumesCommand,
  analyzeImageCommand,
  compareImageCommand,
  dockerRetryImageAnalysisCommand,
];

export function registerCommands(services: HostServices, commands: CommandSpec[] = COMMANDS): vscode.Disposable[] {
  return commands.map((spec) =>
    vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
      try {
        return await spec.run(services, ...args);
      } catch (err) {
        // A failing command tells the user and the log; it never leaves an unhandled rejection.
        if (!(err instanceof ReportedError)) {
          services.log.error(`${spec.id} failed`, err);
          void vscode.window.showErrorMessage(displayText(vscode.l10n.t('ML Disk Space: {0}', errorText(err))));
        }
        return undefined;
      }
    }),
  );
}
