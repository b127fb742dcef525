// The chart webview's HTML: a strict CSP with a fresh nonce per page, the bundle and the stylesheet
// loaded through asWebviewUri from the only two folders the webview may read.
import * as crypto from 'crypto';
import * as vscode from 'vscode';

/** The folders (relative to the extension) the webview may load from: the bundle and media/. */
export const CHART_RESOURCE_DIRS = ['dist/webview', 'media'] as const;

export function chartWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: CHART_RESOURCE_DIRS.map((d) => vscode.Uri.joinPath(extensionUri, ...d.split('/'))),
  };
}

export function chartHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = crypto.randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'chart.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chart.css'));
  // No 'unsafe-inline' anywhere: ECharts styles its tooltip through the CSSOM, which CSP allows.
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" aria-busy="true">
  <header class="head">
    <h1 id="title">${escapeHtml(title)}</h1>
    <p id="summary" class="summary"></p>
    <p id="note" class="note"></p>
  </header>
  <section id="empty" class="empty" hidden>
    <p id="empty-message"></p>
    <button id="scan" type="button">${escapeHtml(vscode.l10n.t('Scan Now'))}</button>
  </section>
  <p id="error" class="error" role="alert" hidden></p>
  <section id="charts" class="charts" hidden>
    <figure id="donut-figure" class="figure donut-figure">
      <figcaption class="caption">
        <div id="donut-views" class="views" role="group" aria-label="${escapeHtml(vscode.l10n.t('What the donut shows'))}">
          <button id="view-scanned" class="view" type="button" data-view="scanned" aria-pressed="true" title="${escapeHtml(vscode.l10n.t('The scanned categories against each other'))}">${escapeHtml(vscode.l10n.t('Scanned'))}</button>
          <button id="view-disk" class="view" type="button" data-view="disk" aria-pressed="false" title="${escapeHtml(vscode.l10n.t('The whole disk: used, free and the scanned parts'))}">${escapeHtml(vscode.l10n.t('Whole disk'))}</button>
        </div>
        <span id="donut-caption" class="caption-text"></span>
      </figcaption>
      <div class="donut-wrap">
        <div id="donut" class="chart donut" role="img"></div>
        <div id="donut-center" class="donut-center" aria-hidden="true"></div>
      </div>
      <ul id="legend" class="legend" aria-labelledby="donut-caption"></ul>
      <div id="trend" class="trend" hidden></div>
    </figure>
    <figure class="figure treemap-figure">
      <figcaption class="caption">
        <nav id="crumbs" class="crumbs" aria-label="${escapeHtml(vscode.l10n.t('Drill-down path'))}"></nav>
      </figcaption>
      <div id="treemap" class="chart treemap" role="img"></div>
    </figure>
  </section>
  <section id="list-section" class="list-section" hidden>
    <table id="list" class="list" aria-describedby="list-help">
      <caption id="list-caption"></caption>
      <thead><tr><th scope="col">${escapeHtml(vscode.l10n.t('Name'))}</th><th id="list-size-head" scope="col" class="num">${escapeHtml(vscode.l10n.t('Size'))}</th></tr></thead>
      <tbody id="rows"></tbody>
    </table>
    <p id="list-help" class="note">${escapeHtml(vscode.l10n.t('Arrow keys move; Enter opens a row (or shows it in the tree); Backspace goes back up.'))}</p>
  </section>
</main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
