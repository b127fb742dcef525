// ML Disk Space: Show Log — the output channel with what each scan and deletion did.
import type { CommandSpec } from '../services';

export const showLogCommand: CommandSpec = {
  id: 'mlDiskSpace.showLog',
  run: (s) => s.log.show(),
};
