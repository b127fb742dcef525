// Docker in the tree beyond the scan's own rows: an image expands to its Layers and Largest
// folders (src/host/docker/imageTreeProvider.ts). Listed in src/host/features.ts.
import * as vscode from 'vscode';
import type { HostFeature } from '../services';
import { dockerServices } from './dockerServices';
import { ImageTreeProvider } from './imageTreeProvider';

export const dockerFeature: HostFeature = (s) => {
  const docker = dockerServices(s);
  const disposables: vscode.Disposable[] = [s.tree.registerChildProvider(new ImageTreeProvider(docker, s.tree)), docker.analyses];
  if (s.context.extensionMode === vscode.ExtensionMode.Test) {
    // Test-only (never contributed): the integration tests load their own copy of the modules, so
    // they reach this activation's analyses through commands.
    disposables.push(
      vscode.commands.registerCommand('mlDiskSpace.test.dockerAnalyses', () => docker.analyses.stats()),
      vscode.commands.registerCommand('mlDiskSpace.test.cancelDockerAnalyses', () => docker.analyses.cancelAll()),
    );
  }
  return disposables;
};
