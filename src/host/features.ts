// Parts of the extension beyond the core tree/status/commands that need the services at startup
// (the chart webview, category-specific watchers, ...). To add one: export a HostFeature from your
// module and append it to FEATURES (a one-line edit). Commands go in commands/index.ts instead.
import type { HostFeature } from './services';
import { checkpointForecastFeature } from './checkpoints/forecastStatus';
import { dockerFeature } from './docker/dockerFeature';
import { chartFeature } from './webview/chartFeature';
import { memoryWatchFeature } from './memoryWatchFeature';
import { scanProbeFeature } from './scanProbe';

export const FEATURES: HostFeature[] = [chartFeature, dockerFeature, checkpointForecastFeature, scanProbeFeature, memoryWatchFeature];
