/**
 * The inspector's stylesheet: VS Code theme variables (--vscode-*) with fallbacks for standalone pages. The fallback
 * status colours reach WCAG AA (4.5:1) on their background in both the light and the dark scheme (a browser test
 * computes it), and uPlot's own stylesheet is appended.
 */
import { uplotCss } from './uplotCss';

export const inspectorCss = `
:root {
  --fg: var(--vscode-editor-foreground, #1f2328);
  --bg: var(--vscode-editor-background, #ffffff);
  --muted: var(--vscode-descriptionForeground, #656d76);
  --border: var(--vscode-panel-border, #d0d7de);
  --accent: var(--vscode-focusBorder, #0969da);
  --sel: var(--vscode-list-activeSelectionBackground, #ddf4ff);
  --hover: var(--vscode-list-hoverBackground, #f6f8fa);
  --ok: var(--vscode-testing-iconPassed, #1a7f37);
  --err: var(--vscode-errorForeground, #cf222e);
  --warn: var(--vscode-editorWarning-foreground, #9a6700);
  --info: var(--vscode-editorInfo-foreground, #0969da);
  --font: var(--vscode-font-family, system-ui, sans-serif);
  --mono: var(--vscode-editor-font-family, ui-monospace, monospace);
}
@media (prefers-color-scheme: dark) { body:not(.vscode-light) {
  --fg: var(--vscode-editor-foreground, #e6edf3); --bg: var(--vscode-editor-background, #0d1117);
  --border: var(--vscode-panel-border, #30363d); --sel: var(--vscode-list-activeSelectionBackground, #1f3a5f);
  --hover: var(--vscode-list-hoverBackground, #161b22); --muted: var(--vscode-descriptionForeground, #8d96a0);
  --ok: var(--vscode-testing-iconPassed, #3fb950); --err: var(--vscode-errorForeground, #ff7b72);
  --warn: var(--vscode-editorWarning-foreground, #d29922); --info: var(--vscode-editorInfo-foreground, #58a6ff);
  --accent: var(--vscode-focusBorder, #58a6ff);
} }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 var(--font); color: var(--fg); background: var(--bg); }
#app { display: flex; flex-direction: column; height: 100vh; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.top { display: flex; align-items: baseline; gap: 1em; padding: 6px 12px; border-bottom: 1px solid var(--border); }
.top h1 { font-size: 14px; margin: 0; }
#status { color: var(--muted); }
.timebar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 4px 12px; }
#time-slider { flex: 1; accent-color: var(--accent); }
#position { color: var(--muted); min-width: 14em; font-variant-numeric: tabular-nums; }
.button, .tab { font: inherit; color: var(--vscode-button-secondaryForeground, var(--fg)); background: var(--vscode-button-secondaryBackground, var(--hover)); border: 1px solid var(--border); padding: 3px 10px; cursor: pointer; }
.tabs { display: flex; gap: 2px; padding: 0 12px; border-bottom: 1px solid var(--border); }
.tab { border-bottom: none; background: transparent; color: var(--muted); }
.tab[aria-selected="true"] { color: var(--fg); border-color: var(--accent); border-bottom: 2px solid var(--accent); }
.main { flex: 1; display: flex; min-height: 0; }
.views { flex: 1; min-width: 0; overflow: auto; padding: 8px 12px; display: flex; flex-direction: column; }
.view { flex: 1 0 auto; }
[role="tabpanel"]:focus-visible, .tab:focus-visible, .problem:focus-visible, .chip:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
.details { width: 28%; min-width: 220px; border-left: 1px solid var(--border); padding: 8px; overflow: auto; }
.details h2 { font-size: 13px; margin: 0 0 6px; }
#details { font: 12px var(--mono); white-space: pre-wrap; word-break: break-word; margin: 0; }
.toolbar { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; margin-bottom: 6px; }
.toolbar select { font: inherit; color: var(--vscode-dropdown-foreground, var(--fg)); background: var(--vscode-dropdown-background, var(--bg)); border: 1px solid var(--border); max-width: 40ch; }
.summary { color: var(--muted); }
.view.seq { flex: 1 1 0; min-height: 220px; display: flex; flex-direction: column; }
.seq-scroll { flex: 1; min-height: 160px; overflow: auto; position: relative; }
.seq-header { position: sticky; top: 0; z-index: 2; height: 24px; display: flex; background: var(--bg); border-bottom: 1px solid var(--border); }
.lane-time { width: 100px; flex: none; color: var(--muted); font-size: 11px; text-align: right; padding: 4px 8px 0 0; position: sticky; left: 0; z-index: 3; background: var(--bg); }
.lane-name.collapsed { font-weight: 400; color: var(--muted); }
.seq-timecol { position: sticky; left: 0; width: 100px; height: 0; z-index: 1; }
.seq-time-svg { position: absolute; top: 0; left: 0; }
.time-bg { fill: var(--bg); }
.time-cell.selected .time-bg { fill: var(--sel); }
.seq-no { fill: var(--muted); font: 10.5px var(--mono); font-variant-numeric: tabular-nums; }
.time.same { opacity: .55; }
.lifeline.collapsed { stroke: var(--muted); stroke-dasharray: 2 2; }
.lane-name { flex: none; text-align: center; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; padding: 2px 4px; }
.lane-name.external { font-weight: 400; font-style: italic; color: var(--muted); }
.lane-name.external::after { content: " ↗ outside"; font-size: 10px; font-style: normal; }
.lifeline.external { stroke: var(--muted); stroke-dasharray: 1 4; }
.time { fill: var(--muted); font: 10.5px var(--mono); font-variant-numeric: tabular-nums; }
.label .preview { fill: var(--muted); font: 10px var(--mono); }
.row.correlated .row-bg, .row.hover-correlated .row-bg { fill: var(--hover); stroke: var(--accent); stroke-dasharray: 3 2; }
.reply-link { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.fan-origin { fill: var(--fg); }
.arrow.fanout { stroke-width: 2; }
.seq-scroll:focus .row.selected .row-bg { stroke: var(--accent); stroke-width: 2; }
.chip { font: inherit; font-size: 12px; color: var(--fg); background: var(--sel); border: 1px solid var(--accent); border-radius: 10px; padding: 0 8px; cursor: pointer; }
.summary-strip { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; padding: 4px 12px; border-bottom: 1px solid var(--border); }
.summary-strip .stats { display: flex; flex-wrap: wrap; gap: 4px 14px; color: var(--muted); }
.summary-strip b { color: var(--fg); font-variant-numeric: tabular-nums; }
.problem { font: inherit; color: var(--fg); background: transparent; border: 1px solid var(--border); border-radius: 10px; padding: 0 8px; cursor: pointer; }
.problem:not(.zero).problem-dropped, .problem:not(.zero).problem-violation, .problem:not(.zero).problem-failure { border-color: var(--err); }
.problem:not(.zero).problem-timeout { border-color: var(--warn); }
.problem:not(.zero) b { color: inherit; }
.problem-dropped:not(.zero) b, .problem-violation:not(.zero) b, .problem-failure:not(.zero) b { color: var(--err); }
.problem-timeout:not(.zero) b { color: var(--warn); }
.problem.zero { color: var(--muted); cursor: default; opacity: .75; }
.problem[aria-pressed="true"], .problem[aria-pressed="true"]:not(.zero) { background: var(--sel); border-color: var(--accent); border-width: 2px; }
@media (max-width: 640px) {
  .main { flex-direction: column; }
  .details { width: auto; min-width: 0; max-height: 35vh; border-left: none; border-top: 1px solid var(--border); }
}
.seq-spacer { position: relative; }
.seq-svg { position: absolute; top: 0; left: 0; }
.lifeline { stroke: var(--border); stroke-dasharray: 4 3; }
.row { cursor: pointer; }
.row-bg { fill: transparent; }
.row:hover .row-bg { fill: var(--hover); }
.row.selected .row-bg { fill: var(--sel); }
.arrow { stroke: var(--fg); stroke-width: 1.4; fill: none; }
.head.arrow { fill: var(--fg); stroke: none; }
.arrow.status-sent { stroke-dasharray: 3 2; }
.arrow.status-dropped { stroke: var(--err); stroke-dasharray: 6 3; }
.head.arrow.status-dropped { fill: var(--err); }
.arrow.alarm { stroke: var(--err); }
.head.arrow.alarm { fill: var(--err); }
.arrow.answer { stroke: var(--muted); }
.head.arrow.answer { fill: var(--muted); }
.label { fill: var(--fg); font-size: 11px; }
.marker { stroke: none; }
.marker-timeout, .marker-effect_refused { fill: var(--warn); }
.marker-violation, .marker-agent_failed, .marker-dropped, .marker.bad { fill: var(--err); }
.marker-text.bad { fill: var(--err); }
.marker-subscription, .marker-blackboard_write, .marker-saga_step, .marker-scatter_gather, .marker-debug_change { fill: var(--info); }
.marker-text { fill: var(--fg); }
.marker-conversation_ended { fill: var(--muted); }
.marker-agent_restarted, .marker-agent_reloaded { fill: var(--info); }
.marker-text { font-size: 11px; }
.marker-line { stroke: var(--muted); stroke-dasharray: 1 3; }
.conv-band { fill: var(--muted); }
.conv-0 { fill: #0969da; } .conv-1 { fill: #1a7f37; } .conv-2 { fill: #9a6700; } .conv-3 { fill: #8250df; }
.conv-4 { fill: #bf3989; } .conv-5 { fill: #0a7c86; } .conv-6 { fill: #bc4c00; } .conv-7 { fill: #57606a; }
.view h2 { font-size: 13px; margin: 10px 0 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { border: 1px solid var(--border); padding: 8px; min-width: 260px; }
.card h3 { font-size: 12px; margin: 0 0 6px; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--border); padding: 2px 6px; text-align: right; }
thead th, tbody th { text-align: left; }
td.leader { background: var(--sel); font-weight: 600; }
.winner, td.winner, th.winner { color: var(--ok); font-weight: 700; }
.winner-name { color: var(--ok); }
.price-line { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.price-dot { fill: var(--accent); }
.proposals { display: flex; gap: 8px; flex-wrap: wrap; }
.proposal { border: 1px solid var(--border); padding: 4px 6px; min-width: 120px; }
.proposal pre { margin: 0; font: 11px var(--mono); }
.proposal.chosen { border: 2px solid var(--ok); }
.proposal.late { opacity: .6; border-style: dashed; }
.proposal-agent { font-weight: 600; }
.badge { padding: 0 6px; border-radius: 8px; font-size: 11px; border: 1px solid var(--border); }
.seg.state-closed, .badge.state-closed { fill: var(--ok); background: transparent; color: var(--ok); }
.seg.state-open, .badge.state-open { fill: var(--err); color: var(--err); }
.seg.state-half_open, .badge.state-half_open { fill: var(--warn); color: var(--warn); }
.tick { stroke-width: 1.5; }
.tick.retry { stroke: var(--info); }
.tick.rejection { stroke: var(--err); }
.transitions { margin: 4px 0; padding-left: 18px; }
.agents-table td.usage { white-space: nowrap; }
td.usage svg { vertical-align: middle; margin-right: 4px; }
.bar-bg { fill: var(--hover); stroke: var(--border); stroke-width: 1; }
.bar-fill { fill: var(--accent); }
.bar-relative .bar-fill { fill: var(--muted); }
.bar-fill.high { fill: var(--warn); }
.lifecycle { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 4px; max-width: 30ch; text-align: left; }
.lc { font-size: 11px; border: 1px solid var(--border); border-radius: 8px; padding: 0 5px; white-space: nowrap; }
.lc-failed { color: var(--err); border-color: var(--err); }
.state-reason { color: var(--muted); }
.lc-reload { color: var(--info); border-color: var(--info); }
td.lifecycle-cell, td.state { text-align: left; }
td.state { white-space: nowrap; }
.badge.agent-external { color: var(--muted); font-style: italic; }
.badge.agent-running { color: var(--ok); } .badge.agent-failed { color: var(--err); } .badge.agent-stopped { color: var(--muted); }
.stage-failed { color: var(--err); } .stage-completed { color: var(--ok); }
.empty { color: var(--muted); }
.top .spacer { flex: 1; }
.filters { display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; }
.filters input, .filters select, .view input[type="search"] { font: inherit; color: var(--vscode-input-foreground, var(--fg)); background: var(--vscode-input-background, var(--bg)); border: 1px solid var(--border); padding: 1px 4px; }
#search { min-width: 22ch; }
#conversation-filter { width: 18ch; }
.lane-chooser { border: 1px solid var(--border); padding: 6px; margin-bottom: 6px; max-height: 30vh; overflow: auto; }
.lane-actions { display: flex; gap: 6px; margin-bottom: 4px; }
.lane-list { display: flex; flex-wrap: wrap; gap: 2px 12px; }
.lane-option { white-space: nowrap; max-width: 24ch; overflow: hidden; text-overflow: ellipsis; }
.lane-option.external { font-style: italic; color: var(--muted); }
.details-actions { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; }
#copy-buffer { width: 100%; font: 11px var(--mono); color: var(--fg); background: var(--bg); border: 1px solid var(--border); }
.muted { color: var(--muted); }
.link { font: inherit; color: var(--vscode-textLink-foreground, var(--info)); background: none; border: none; padding: 0; cursor: pointer; text-decoration: underline; }
.chart { margin: 4px 0; }
.chart figcaption { font-size: 11px; color: var(--muted); }
.chart .u-legend th, .chart .u-legend td { border: none; padding: 0 4px; font-size: 11px; font-weight: 400; }
.chart .u-legend { font-size: 11px; }
.axis { stroke: var(--muted); }
.axis-label { fill: var(--muted); font-size: 10px; }
.never-bid, .never-bid-note { color: var(--muted); font-style: italic; }
.cn-round h4 { font-size: 11px; margin: 6px 0 2px; color: var(--muted); }
.cn-round.winning h4 { color: var(--ok); }
.saga-steps, .branches { list-style: none; padding-left: 0; margin: 4px 0; }
.saga-step.failed, .branch.missing, .bb-write.refused { color: var(--err); }
.saga-step.compensate { color: var(--warn); padding-left: 1.2em; }
.saga-step.run.ok, .branch.answered { color: var(--ok); }
.saga-error { color: var(--err); }
.bb-writes { text-align: left; }
.bb-write { display: inline-block; border: 1px solid var(--border); border-radius: 8px; padding: 0 5px; margin: 1px 2px; font-size: 11px; }
.result.agreed { color: var(--ok); }
.subscription.open td:last-child { color: var(--ok); }
.protocols-table td, .protocols-table th { text-align: left; }
.pair { display: inline-block; border: 1px solid var(--border); border-radius: 8px; padding: 0 5px; margin: 1px 2px; font-size: 11px; }
.pair.final { color: var(--ok); border-color: var(--ok); }
.conversation.has-violations .problems { color: var(--err); }
.compare-table { width: 100%; table-layout: fixed; }
.compare-table td { text-align: left; font: 11px var(--mono); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; }
.compare-table th:first-child { width: 6ch; }
.compare-row.differs td { color: var(--err); }
.compare-row.current { outline: 2px solid var(--accent); outline-offset: -2px; }
.compare-row.first-divergence th { color: var(--err); font-weight: 700; }
.node { color: var(--muted); font-weight: 400; font-size: 11px; }
.seg.last { stroke: var(--fg); stroke-width: .5; }
${uplotCss}
`;
