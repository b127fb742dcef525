// ML Disk Space: Show Chart — the last scan as a chart (the volume, then the categories).
import type { CommandSpec } from '../services';
import { SHOW_CHART_COMMAND, showVolumeChart } from '../webview/chartPanel';

export const showChartCommand: CommandSpec = {
  id: SHOW_CHART_COMMAND,
  run: () => showVolumeChart(),
};
