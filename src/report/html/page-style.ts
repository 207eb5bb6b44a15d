/** The report page's stylesheet (inline: the page loads nothing from anywhere). */
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6475; --line: #d8dde6; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 18px 28px; background: #1d2330; color: #fff; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header p { margin: 4px 0 0; color: #c4cad6; font-size: 12px; }
main { padding: 8px 28px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 18px 0; }
h2 { margin: 0 0 6px; font-size: 18px; }
h3 { margin: 18px 0 8px; font-size: 15px; }
.summary { color: var(--muted); margin: 0 0 12px; }
.summary .total { color: var(--fg); font-weight: 700; font-size: 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .cmd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.shared { color: #2f7d32; font-weight: 600; }
.bars { margin: 8px 0 14px; }
.bar-row { display: grid; grid-template-columns: 46px 1fr 110px; gap: 8px; align-items: center; margin: 3px 0; }
.bar-track { background: #eef0f4; border-radius: 3px; height: 16px; position: relative; overflow: hidden; }
.bar-fill, .bar-waste { position: absolute; top: 0; bottom: 0; }
.bar-waste { background: repeating-linear-gradient(45deg, #c62828, #c62828 3px, #ef9a9a 3px, #ef9a9a 6px); }
.bar-label { font-size: 12px; text-align: right; white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 6px 0 10px; font-size: 12px; }
.legend span.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -2px; }
.crumbs { font-size: 12px; margin: 4px 0; }
.crumbs a { color: #1f5fbf; cursor: pointer; text-decoration: underline; }
.treemap { position: relative; width: 100%; height: 520px; background: #fff; border: 1px solid var(--line); overflow: hidden; }
.tm-node { position: absolute; overflow: hidden; border: 1px solid rgba(255,255,255,.85); font-size: 11px; line-height: 13px; padding: 1px 3px; color: #10131a; white-space: nowrap; text-overflow: ellipsis; }
.tm-dir { border-color: rgba(29,35,48,.35); background-clip: padding-box; cursor: zoom-in; }
.tm-dir > .tm-label { font-weight: 600; }
.tm-small { opacity: .6; }
.advice li { margin: 0 0 10px; }
.advice .saves { font-weight: 700; }
.muted { color: var(--muted); }
.compare-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
`;
