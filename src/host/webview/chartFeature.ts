// Wires the chart panel to the extension's services (src/host/features.ts lists it).
import type { HostFeature } from '../services';
import { growthChartData } from './chartData';
import { registerChart } from './chartPanel';

export const chartFeature: HostFeature = (s) => {
  registerChart(s.context, {
    getModel: () => s.scans.model,
    onDidChangeModel: (listener, thisArgs, disposables) => s.scans.onDidChangeModel((state) => listener.call(thisArgs, state?.model), undefined, disposables),
    revealItem: (id) => s.tree.revealItem(id),
    getThresholds: () => s.config(),
    getGrowth: () => {
      const snapshot = s.status.growthSnapshot;
      return snapshot && growthChartData(snapshot);
    },
  });
};
