// Evaluation reports: self-contained HTML with SVG plots rendered in Node.
export * from './types.js';
export * from './curves.js';
export { buildReport, escapeHtml, type ReportInput, type RenderedReport } from './html.js';
export { renderSvg } from './render.js';
