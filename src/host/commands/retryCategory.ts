// Retry — scans a category again that could not be scanned (e.g. the Docker engine was down).
import type { CommandSpec } from '../services';
import { REFRESH } from '../refreshTriggers';
import { t } from '../../core/l10n';

export const retryCategoryCommand: CommandSpec = {
  id: 'mlDiskSpace.retryCategory',
  run(s, clicked, selection) {
    const ids = [...new Set(s.tree.nodesFromArgs(clicked, selection).map((n) => n.category.id))];
    if (!ids.length) return s.scans.scan({ reason: REFRESH.retry, notify: true });
    return s.scans.rescanCategories(ids, t('Retry {0}', ids.join(', ')));
  },
};
