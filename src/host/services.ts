// What the commands get: the extension's services, created once in extension.ts. Category
// commands (Hugging Face, conda, checkpoints, Docker) use the same object: the current model from
// `scans`, the selection from `tree`, and `reclaimer` for anything destructive.
import type * as vscode from 'vscode';
import type { HostConfig } from './configRead';
import type { Log } from './log';
import type { Prompts } from './prompts';
import type { Reclaimer } from './reclaim';
import type { ScanService } from './scanService';
import type { FreeSpaceStatus } from './statusBar/freeSpaceStatus';
import type { ItemsTree } from './tree/itemsTree';

/**
 * A part of the extension beyond the core tree/status/commands that needs the services at
 * startup (the chart webview, category-specific watchers, ...), listed in features.ts. Called
 * once during activation; what it returns is disposed on deactivation.
 */
export type HostFeature = (services: HostServices) => vscode.Disposable | vscode.Disposable[] | void;

export interface HostServices {
  context: vscode.ExtensionContext;
  log: Log;
  config(): HostConfig;
  scans: ScanService;
  tree: ItemsTree;
  reclaimer: Reclaimer;
  prompts: Prompts;
  status: FreeSpaceStatus;
  /** Workspace folders on the local file system (what is scanned besides extra roots and caches). */
  workspaceRoots(): string[];
  /** The environment caches are located from (the extension host's). */
  env: Record<string, string | undefined>;
}

/** One command: its id (also in package.json contributes.commands) and what it does. */
export interface CommandSpec {
  id: string;
  /** Tree commands receive (clickedNode, selectedNodes) from VS Code; see ItemsTree.nodesFromArgs. */
  run(services: HostServices, ...args: unknown[]): unknown;
}
