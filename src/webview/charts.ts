// The two ECharts instances: a donut of the volume (categories, other used, free) and a treemap of
// the node the user has drilled into. Only the parts used are imported, so the bundle stays small.
import { PieChart, TreemapChart, type PieSeriesOption, type TreemapSeriesOption } from 'echarts/charts';
import { AriaComponent, TooltipComponent, type AriaComponentOption, type TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { formatBytes } from '../core/format';
import type { ChartNode } from '../shared/chartProtocol';
import { mix, toCss, type Rgba } from './colors';
import { labelColor, type Theme } from './theme';

echarts.use([PieChart, TreemapChart, TooltipComponent, AriaComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<PieSeriesOption | TreemapSeriesOption | TooltipComponentOption | AriaComponentOption>;

/** A slice of the donut: a category, or (disk view) the volume's other-used / reserved / free space. */
export interface DonutSlice {
  node: ChartNode;
  color: Rgba;
}

export interface ChartHandlers {
  /** A box or slice was clicked (ids as in the chart data). */
  onNodeClick(id: string): void;
  /** Tooltip HTML for a node id. */
  tooltip(id: string): string;
}

/** Ids are carried on each data item; ECharts hands the item back in events and formatters. */
interface Tagged {
  nodeId: string;
}

export class Charts {
  private readonly donut: echarts.ECharts;
  private readonly treemap: echarts.ECharts;
  private readonly resizer: ResizeObserver;

  constructor(donutEl: HTMLElement, treemapEl: HTMLElement, private readonly handlers: ChartHandlers) {
    this.donut = echarts.init(donutEl, null, { renderer: 'canvas' });
    this.treemap = echarts.init(treemapEl, null, { renderer: 'canvas' });
    for (const chart of [this.donut, this.treemap]) {
      chart.on('click', (params) => {
        const id = (params.data as Partial<Tagged> | undefined)?.nodeId;
        if (id) handlers.onNodeClick(id);
      });
    }
    this.resizer = new ResizeObserver(() => {
      this.donut.resize();
      this.treemap.resize();
    });
    this.resizer.observe(donutEl);
    this.resizer.observe(treemapEl);
  }

  /** `description` is what a screen reader hears for the whole donut. */
  renderDonut(slices: DonutSlice[], description: string, selectedId: string | undefined, theme: Theme): void {
    const data = slices
      .filter((s) => s.node.bytes > 0)
      .map((s) => ({
        nodeId: s.node.id,
        name: s.node.label,
        value: s.node.bytes,
        selected: s.node.id === selectedId,
        itemStyle: { color: toCss(s.color) },
        cursor: s.node.kind === 'category' ? 'pointer' : 'default',
      }));
    const option: Option = {
      animationDuration: 250,
      aria: { enabled: true, label: { description } },
      tooltip: this.tooltipOption(theme),
      series: [
        {
          type: 'pie',
          radius: ['54%', '86%'],
          center: ['50%', '50%'],
          label: { show: false },
          labelLine: { show: false },
          selectedMode: 'single',
          selectedOffset: 5,
          // In the disk view a category of a few MB on a 2 TB disk still gets a sliver to hover; the
          // tooltip and the legend give its true share.
          minAngle: 2,
          itemStyle: { borderColor: toCss(theme.outline), borderWidth: theme.outlineWidth },
          emphasis: { scale: true, scaleSize: 4, itemStyle: { borderColor: toCss(theme.focusBorder), borderWidth: 1.5 } },
          data,
        },
      ],
    };
    this.donut.setOption(option, { notMerge: true });
  }

  /** The treemap of `focus`'s children, each with its own children inside it; `colorOf` gives top-level colors. */
  renderTreemap(focus: ChartNode, colorOf: (child: ChartNode, index: number) => Rgba, theme: Theme): void {
    const fontSize = Math.max(11, theme.fontSize - 1);
    const font = { fontFamily: theme.fontFamily, fontSize, lineHeight: Math.round(fontSize * 1.35) };
    const children = (focus.children ?? []).filter((c) => c.bytes > 0);
    const data = children.map((child, i) => {
      const color = colorOf(child, i);
      const inner = mix(color, theme.background, 0.3);
      const grandchildren = (child.children ?? []).filter((g) => g.bytes > 0);
      return {
        nodeId: child.id,
        id: child.id,
        name: child.label,
        value: child.bytes,
        itemStyle: { color: toCss(grandchildren.length ? inner : color), borderColor: toCss(color) },
        label: { color: labelColor(theme, grandchildren.length ? inner : color) },
        upperLabel: { color: labelColor(theme, color) },
        children: grandchildren.length
          ? grandchildren.map((g) => ({
              nodeId: g.id,
              id: `${child.id}\u0000${g.id}`,
              name: g.label,
              value: g.bytes,
              itemStyle: { color: toCss(inner) },
              label: { color: labelColor(theme, inner) },
            }))
          : undefined,
      };
    });
    const option: Option = {
      animationDuration: 250,
      aria: {
        enabled: true,
        label: { description: `${focus.label}: ${formatBytes(focus.bytes)}. ` + children.map((c) => `${c.label} ${formatBytes(c.bytes)}`).join(', ') + '.' },
      },
      tooltip: this.tooltipOption(theme),
      series: [
        {
          type: 'treemap',
          left: 0,
          top: 0,
          right: 0,
          bottom: 0,
          roam: false,
          nodeClick: false, // drill-down is ours: it keeps state, the breadcrumb and the list in step
          breadcrumb: { show: false },
          squareRatio: 0.5 * (1 + Math.sqrt(5)),
          visibleMin: 64, // px²: smaller boxes are left out (they are in the list)
          label: {
            show: true,
            position: 'insideTopLeft',
            padding: [3, 4],
            ...font,
            overflow: 'truncate',
            ellipsis: '…',
            formatter: (p) => `${p.name}\n${formatBytes(Number(p.value))}`,
          },
          upperLabel: {
            show: true,
            height: Math.round(fontSize * 1.8),
            ...font,
            fontWeight: 'bold',
            overflow: 'truncate',
            ellipsis: '…',
            formatter: (p) => `${p.name}  ${formatBytes(Number(p.value))}`,
          },
          itemStyle: { borderColor: toCss(theme.background) },
          levels: [
            { itemStyle: { borderWidth: 0, gapWidth: 3, borderColor: toCss(theme.background) }, upperLabel: { show: false } },
            { itemStyle: { borderWidth: 2, gapWidth: 2 } },
            { itemStyle: { borderWidth: 0, gapWidth: 0 }, upperLabel: { show: false } },
          ],
          data,
        },
      ],
    };
    this.treemap.setOption(option, { notMerge: true });
  }

  resize(): void {
    this.donut.resize();
    this.treemap.resize();
  }

  dispose(): void {
    this.resizer.disconnect();
    this.donut.dispose();
    this.treemap.dispose();
  }

  private tooltipOption(theme: Theme): TooltipComponentOption {
    return {
      trigger: 'item',
      confine: true, // stays inside a 300 px wide panel
      renderMode: 'html',
      className: 'mlds-tooltip',
      backgroundColor: toCss(theme.hover.background),
      borderColor: toCss(theme.hover.border),
      textStyle: { color: toCss(theme.hover.foreground), fontFamily: theme.fontFamily, fontSize: theme.fontSize },
      extraCssText: 'max-width: min(420px, 90vw); white-space: normal;',
      formatter: (params) => {
        const p = Array.isArray(params) ? params[0] : params;
        const id = (p?.data as Partial<Tagged> | undefined)?.nodeId;
        return id ? this.handlers.tooltip(id) : '';
      },
    };
  }
}
