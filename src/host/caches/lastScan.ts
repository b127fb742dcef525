// The scan a category command plans from: the current model when it has the category, else one
// message saying why nothing can be done (and, before any scan, an offer to scan first).
import type { ScanModel } from '../../core/model';
import type { HostServices } from '../services';
import { REFRESH } from '../refreshTriggers';
import { t } from '../../core/l10n';

/**
 * The last scan's model when it holds category `categoryId` (scanned without error); otherwise
 * tells the user "The last scan found <missing>." and resolves undefined.
 */
export async function lastScanWith(s: HostServices, categoryId: string, missing: string): Promise<ScanModel | undefined> {
  let model = s.scans.model;
  if (!model) {
    const choice = await s.prompts.notifier.info(t('Nothing scanned yet: scan first, then choose what to reclaim.'), t('Scan Now'));
    if (!choice) return undefined;
    model = await s.scans.scan({ reason: REFRESH.beforeReclaiming, notify: true });
    if (model.cancelled) return undefined;
  }
  const category = model.categories.find((c) => c.id === categoryId);
  if (!category) {
    void s.prompts.notifier.info(t('The last scan found {0}.', missing));
    return undefined;
  }
  if (category.error) {
    void s.prompts.notifier.warn(t('{0} could not be scanned: {1}', category.label, category.error));
    return undefined;
  }
  return model;
}
