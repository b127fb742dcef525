// Every category scanner, in the order they run (see CategoryScanner.order). The workspace
// category is not listed: the orchestrator runs it last, skipping what these claimed.
import type { CategoryScanner } from '../scan/types';

export const categoryScanners: CategoryScanner[] = [];
