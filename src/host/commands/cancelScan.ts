// ML Disk Space: Cancel Scan — stops the running scan; the tree keeps the previous result.
import type { CommandSpec } from '../services';

export const cancelScanCommand: CommandSpec = {
  id: 'mlDiskSpace.cancelScan',
  run: (s) => s.scans.cancel(),
};
