// Vega-Lite → Vega → SVG, in Node, with no browser and no canvas: vega's
// headless view renders SVG strings itself (text widths are estimated).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const CONFIG = { font: 'Helvetica, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 } };

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: compiled } = compile({ config: CONFIG, ...spec } as TopLevelSpec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
