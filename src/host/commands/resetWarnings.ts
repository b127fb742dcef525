// ML Disk Space: Re-enable Disk Space Warnings — undoes "Don't Warn Again for This Volume".
import type { CommandSpec } from '../services';

export const resetWarningsCommand: CommandSpec = {
  id: 'mlDiskSpace.resetWarnings',
  async run(s) {
    await s.status.resetWarnings();
    s.log.info('Disk-space warnings re-enabled for every volume');
  },
};
