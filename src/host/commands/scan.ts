// ML Disk Space: Scan — scans every root with progress in the view and a cancellable notification.
import type { CommandSpec } from '../services';

export const scanCommand: CommandSpec = {
  id: 'mlDiskSpace.scan',
  run: (s) => s.scans.scan({ reason: 'Scan command', notify: true }),
};
