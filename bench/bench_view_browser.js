// SPDX-License-Identifier: MIT
// bench_view_browser.js - loads a `ctrace view` page in headless chromium
// and prints how long it took to become ready and to draw frames at several
// zooms (median of 20). Not a test: numbers only.
// usage: NODE_PATH=.../node_modules node bench_view_browser.js PAGE.html
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main() {
	const file = path.resolve(process.argv[2]);
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ctrace-bench-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CTRACE_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
	try {
		const page = await ctx.newPage();
		await page.setViewportSize({ width: 1600, height: 1000 });
		const t0 = Date.now();
		await page.goto('file://' + file);
		await page.waitForFunction(() => window.ctraceView && window.ctraceView.frames > 0, null,
			{ timeout: 120000 });
		const ready = Date.now() - t0;
		const r = await page.evaluate(() => {
			const v = window.ctraceView, d = v.model.duration, out = [];
			const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
			for (const zoom of [1, 10, 100, 1000, 10000]) {
				const times = [];
				let drawn = 0;
				for (let k = 0; k < 20; k++) {
					const w = d / zoom, a = (d - w) * (k / 19);
					v.setRange(a, a + w);
					const s = performance.now();
					v.drawNow();
					times.push(performance.now() - s);
					drawn = Math.max(drawn, v.renderer.drawn);
				}
				out.push({ zoom: zoom, ms: median(times), rects: drawn });
			}
			const sel = {};
			const top = (v.model.findings.contention || [])[0];
			if (top) {
				let s = performance.now();
				v.selectLock(top.lock);
				sel.selectMs = performance.now() - s;
				sel.waits = v.state.highlight.waits.length;
				for (const zoom of [1, 100]) {
					v.setRange(0, d / zoom);
					s = performance.now();
					v.drawNow();
					sel['x' + zoom] = performance.now() - s;
				}
			}
			return { spans: v.model.spanCount, lanes: v.model.lanes.length, frames: out, sel: sel };
		});
		console.log('browser: ready in ' + ready + ' ms, ' + r.spans + ' spans on ' + r.lanes + ' lanes');
		for (const f of r.frames)
			console.log('  zoom x' + f.zoom + ': ' + f.ms.toFixed(2) + ' ms per frame, ' + f.rects + ' rectangles');
		if (r.sel.waits !== undefined)
			console.log('  select the most contended lock: ' + r.sel.selectMs.toFixed(1) + ' ms (' +
				r.sel.waits + ' waits), then ' + r.sel.x1.toFixed(2) + ' ms per frame (x1), ' +
				r.sel.x100.toFixed(2) + ' ms (x100)');
		const mem = await page.evaluate(() => performance.memory ? performance.memory.usedJSHeapSize : 0);
		if (mem)
			console.log('  JS heap: ' + (mem / 1048576).toFixed(1) + ' MiB');
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((err) => {
	console.error('bench_view_browser: ' + (err.stack || err));
	process.exit(1);
});
