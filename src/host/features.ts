// Parts of the extension beyond the core tree/status/commands that need the services at startup
// (the chart webview, category-specific watchers, ...). To add one: export a HostFeature from your
// module and append it to FEATURES (a one-line edit). Commands go in commands/index.ts instead.
import type * as vscode from 'vscode';
import type { HostServices } from './services';
import { checkpointForecastFeature } from './checkpoints/forecastStatus';
import { dockerFeature } from './docker/dockerFeature';
import { chartFeature } from './webview/chartFeature';
import { memoryWatchFeature } from './memoryWatchFeature';
import { scanProbeFeature } from './scanProbe';

/** Called once during activation, after the services exist; what it returns is disposed on deactivation. */
export type HostFeature = (services: HostServices) => vscode.Disposable | vscode.Disposable[] | void;

export const FEATURES: HostFeature[] = [chartFeature, dockerFeature, checkpointForecastFeature, scanProbeFeature, memoryWatchFeature];
