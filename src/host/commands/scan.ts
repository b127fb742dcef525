// ML Disk Space: Scan — scans every root with progress in the view and a cancellable notification.
import type { CommandSpec } from '../services';
import { REFRESH } from '../refreshTriggers';

export const scanCommand: CommandSpec = {
  id: 'mlDiskSpace.scan',
  run: (s) => s.scans.scan({ reason: REFRESH.scanCommand, notify: true }),
};
