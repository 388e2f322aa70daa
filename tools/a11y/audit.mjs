// Renders each HTML file in Debian's Chromium at 1280 and 400 px wide, saves a full-page screenshot of each, measures
// whether anything is wider than the window, and runs the axe-core audit (WCAG 2.0/2.1/2.2 A and AA rules) on it.
// Prints one JSON object: {"pages": [{file, width, screenshot, scroll_width, client_width, overflowing, clipped (boxes
// whose content is cut off, and chart text past its chart's edge), violations:
// [{id, impact, help, nodes, targets}]}]}. Exit 0 when it ran; the caller judges the findings.
// Usage: node audit.mjs --shots DIR page.html [page.html ...]
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const args = process.argv.slice(2);
const shotsAt = args.indexOf('--shots');
if (shotsAt < 0 || shotsAt + 1 >= args.length) {
  console.error('usage: node audit.mjs --shots DIR page.html [page.html ...]');
  process.exit(2);
}
const shots = resolve(args[shotsAt + 1]);
const files = args.filter((_, i) => i !== shotsAt && i !== shotsAt + 1);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
});
const pages = [];
try {
  for (const file of files) {
    for (const width of [1280, 400]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
      const screenshot = join(shots, `${basename(file).replace(/\.html$/, '')}-${width}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      const size = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        // elements whose content is cut off by their own box: text or charts a reader cannot see
        clipped: [...document.querySelectorAll('body *')].filter((e) => {
          const s = getComputedStyle(e);
          return (s.overflowX === 'hidden' || s.overflow === 'hidden') && e.scrollWidth > e.clientWidth + 1;
        }).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')).slice(0, 10),
        // chart text drawn past its chart's edge is cut off by the browser
        // (as laid out on the screen, rotation and scaling included)
        svgTextOutside: [...document.querySelectorAll('svg')].flatMap((svg) => {
          const box = svg.getBoundingClientRect();
          return [...svg.querySelectorAll('text')].filter((t) => {
            const b = t.getBoundingClientRect();
            return b.width > 0 && (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1);
          }).map((t) => (svg.id || 'svg') + ': ' + t.textContent.slice(0, 60));
        }).slice(0, 10),
      }));
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      }));
      pages.push({
        file,
        width,
        screenshot,
        scroll_width: size.scroll,
        client_width: size.client,
        overflowing: size.scroll > size.client,
        clipped: size.clipped.concat(size.svgTextOutside),
        violations: result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.length,
          targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
        })),
      });
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ axe: JSON.parse(readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version, pages }));
