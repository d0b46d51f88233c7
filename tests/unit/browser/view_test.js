// SPDX-License-Identifier: MIT
// view_test.js - loads a page written by `ctrace view` in Debian's chromium
// (headless, through playwright-core) and checks it as a person would: no
// console errors and no network, the expected thread lanes, a click on a
// deadlock finding highlights its threads and spans, the legend names the
// lock-order inversion's marks as such (not "deadlock"), a click on a contended
// lock shows its waits and holders, the wheel zooms, a click on a span shows
// its stack. Saves a screenshot.
//
// usage: node view_test.js PAGE.html SCREENSHOT.png LANE_NAME...
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CTRACE_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

const results = [];
async function check(name, fn) {
	try {
		await fn();
		results.push([name, true]);
		console.log('ok   ' + name);
	} catch (err) {
		results.push([name, false]);
		console.log('FAIL ' + name + '\n     ' + String(err.message || err).split('\n').join('\n     '));
	}
}

async function openPage(ctx, file, problems) {
	const page = await ctx.newPage();
	page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push('console ' + m.type() + ': ' + m.text()); });
	page.on('pageerror', (e) => problems.push('page error: ' + e.message));
	await page.route('**/*', (route) => {
		const url = route.request().url();
		if (url.startsWith('file:') || url.startsWith('data:'))
			return route.continue();
		problems.push('network request: ' + url);
		return route.abort();
	});
	await page.setViewportSize({ width: 1400, height: 900 });
	await page.goto('file://' + path.resolve(file));
	await page.waitForFunction(() => window.ctraceView && window.ctraceView.frames > 0, null, { timeout: 20000 });
	return page;
}

async function canvasPoint(page, fx, fy) {
	const box = await page.locator('#canvas').boundingBox();
	return { x: box.x + box.width * fx, y: box.y + box.height * fy };
}

async function run(file, shot, lanes) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ctrace-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM,
		headless: true, args: ARGS });
	const problems = [];
	try {
		const page = await openPage(ctx, file, problems);
		await check('expected lanes are shown', async () => {
			const names = await page.$$eval('.lane-label', (els) => els.map((e) => e.textContent));
			for (const want of lanes)
				assert.ok(names.some((n) => n.includes(want)), 'lane "' + want + '" missing in ' + JSON.stringify(names));
		});
		await check('the timeline drew spans', async () => {
			const drawn = await page.evaluate(() => window.ctraceView.renderer.drawn);
			assert.ok(drawn > 0, 'no rectangle drawn');
		});
		await check('a click on a deadlock finding highlights it', async () => {
			const item = page.locator('.finding-deadlocks').first();
			assert.equal(await item.count(), 1, 'no deadlock finding listed');
			await item.click();
			await page.waitForTimeout(100);
			assert.match(await item.getAttribute('class'), /\bselected\b/);
			const st = await page.evaluate(() => {
				const v = window.ctraceView, hl = v.state.highlight;
				return { sel: v.state.selection, count: hl ? hl.count : 0,
					threads: hl ? [...hl.threads] : [], locks: hl ? hl.locks.size : 0 };
			});
			assert.equal(st.sel.kind, 'deadlocks');
			assert.ok(st.threads.length >= 2, 'cycle threads not highlighted: ' + JSON.stringify(st));
			assert.ok(st.locks >= 2, 'cycle locks not highlighted');
			assert.ok(st.count >= 2, 'cycle spans not highlighted: ' + st.count);
			const hl = await page.$$eval('.lane-label.hl', (els) => els.length);
			assert.equal(hl, st.threads.length, 'lane labels of the cycle not marked');
			const details = await page.textContent('#details');
			assert.match(details, /holds .* acquiring/);
		});
		await check('the legend names finding marks by their kind', async () => {
			const items = await page.$$eval('#legend .legend-item', (els) => els.map((e) => e.textContent));
			const kinds = await page.evaluate(() => [...new Set(window.ctraceView.model.lanes
				.flatMap((l) => l.marks.map((m) => m.kind)))]);
			assert.ok(kinds.includes('lock-order-inversion'), 'no lock-order mark: ' + JSON.stringify(kinds));
			assert.ok(items.includes('lock-order inversion'), 'legend: ' + JSON.stringify(items));
			if (!kinds.includes('deadlock'))
				assert.ok(!items.includes('deadlock'), 'a lock-order mark called deadlock: ' + JSON.stringify(items));
		});
		await check('a misuse finding names its mutex and its condition variable', async () => {
			await page.keyboard.press('Escape');
			const item = page.locator('.finding-misuse').first();
			assert.equal(await item.count(), 1, 'no misuse finding listed');
			assert.match(await item.textContent(), /Note: cond-signal-not-held/);
			await item.click();
			await page.waitForTimeout(100);
			const details = await page.textContent('#details');
			assert.match(details, /mutex.*queue_lock/);
			assert.match(details, /condition variable.*queue_cond/);
		});
		await page.screenshot({ path: shot });
		await check('a click on a contended lock shows its waits and holders', async () => {
			await page.click('[data-tab=contention]');
			/* the workers' lock, whose holders sleep while they hold it: every
			 * wait on it has one, however loaded the machine (another lock may
			 * lead the table then) */
			const row = page.locator('tr.lockrow', { hasText: 'stats_lock' }).first();
			assert.equal(await row.count(), 1, 'stats_lock is not in the contention table');
			await row.click();
			await page.waitForTimeout(100);
			const st = await page.evaluate(() => {
				const hl = window.ctraceView.state.highlight;
				return { waits: hl.waits.length, flows: hl.flows.length };
			});
			assert.ok(st.waits > 0, 'no wait highlighted');
			assert.ok(st.flows > 0, 'no holder linked to a wait');
			assert.match(await page.textContent('#details'), /waited for/);
		});
		await check('the wheel zooms the visible range', async () => {
			await page.keyboard.press('Escape');
			await page.click('#zoom-fit');
			await page.waitForTimeout(50);
			const before = await page.evaluate(() => window.ctraceView.range());
			const p = await canvasPoint(page, 0.5, 0.5);
			await page.mouse.move(p.x, p.y);
			await page.mouse.wheel(0, -400);
			await page.waitForTimeout(100);
			const after = await page.evaluate(() => window.ctraceView.range());
			assert.ok(after.t1 - after.t0 < (before.t1 - before.t0) * 0.8,
				'range did not shrink: ' + JSON.stringify([before, after]));
			await page.mouse.wheel(0, 400);
		});
		/* The screen point of the middle of the longest wait span (canvas
		 * coordinates from the page's own layout). */
		const waitPoint = async () => {
			const p = await page.evaluate(() => {
				const v = window.ctraceView, m = v.model;
				let best = null;
				m.lanes.forEach((lane, li) => {
					const tr = lane.spans;
					for (let i = 0; i < tr.n; i++)
						if (m.isWait(tr.state[i]) && (!best || tr.end[i] - tr.start[i] > best.d))
							best = { li: li, i: i, d: tr.end[i] - tr.start[i] };
				});
				const lane = m.lanes[best.li], tr = lane.spans, s = v.state;
				const x = ((tr.start[best.i] + tr.end[best.i]) / 2 - s.t0) / (s.t1 - s.t0) * v.renderer.w;
				return { lane: best.li, i: best.i, x: x, y: 26 + lane.y + 5 + 8 - v.scroll.scrollTop };
			});
			const box = await page.locator('#canvas').boundingBox();
			return { lane: p.lane, i: p.i, x: box.x + p.x, y: box.y + p.y };
		};
		await check('hovering a wait shows what it waits for', async () => {
			await page.click('#zoom-fit');
			await page.waitForTimeout(50);
			const p = await waitPoint();
			await page.mouse.move(p.x - 1, p.y);
			await page.mouse.move(p.x, p.y);
			await page.waitForTimeout(100);
			assert.equal(await page.isVisible('#tooltip'), true, 'no tooltip');
			assert.match(await page.textContent('#tooltip'), /wait /);
		});
		await check('a click on a span shows its details and stack', async () => {
			const p = await waitPoint();
			await page.mouse.click(p.x, p.y);
			await page.waitForTimeout(100);
			const sel = await page.evaluate(() => window.ctraceView.state.selected);
			assert.ok(sel && sel.lane === p.lane && sel.i === p.i, 'wrong span selected: ' + JSON.stringify([sel, p]));
			const details = await page.textContent('#details');
			assert.match(details, /duration/);
			assert.ok(await page.locator('#details ol.stack li').count() > 0, 'no stack shown');
		});
		await check('a click on a finding mark selects its finding', async () => {
			await page.keyboard.press('Escape');
			await page.click('#zoom-fit');
			await page.waitForTimeout(50);
			const p = await page.evaluate(() => {
				const v = window.ctraceView, s = v.state;
				for (const lane of v.model.lanes)
					for (const m of lane.marks)
						return { key: m.finding, x: (m.ts - s.t0) / (s.t1 - s.t0) * v.renderer.w,
							y: 26 + lane.y + 3 - v.scroll.scrollTop };
				return null;
			});
			assert.ok(p, 'no finding mark on the timeline');
			const box = await page.locator('#canvas').boundingBox();
			await page.mouse.click(box.x + p.x, box.y + p.y);
			await page.waitForTimeout(100);
			const sel = await page.evaluate(() => window.ctraceView.state.selection);
			assert.ok(sel && sel.kind + ':' + sel.index === p.key, 'selection ' + JSON.stringify(sel) + ' for ' + p.key);
			assert.match(await page.getAttribute('.finding[data-key="' + p.key + '"]', 'class'), /\bselected\b/);
		});
		await check('no console errors, no network', async () => {
			assert.deepEqual(problems, []);
		});
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

async function main() {
	const [file, shot, ...lanes] = process.argv.slice(2);
	if (!file || !shot) {
		console.error('usage: node view_test.js PAGE.html SCREENSHOT.png LANE_NAME...');
		process.exit(2);
	}
	fs.mkdirSync(path.dirname(path.resolve(shot)), { recursive: true });
	await run(file, shot, lanes);
	const failed = results.filter((r) => !r[1]).length;
	console.log('screenshot: ' + path.resolve(shot));
	console.log((results.length - failed) + ' passed, ' + failed + ' failed');
	process.exit(failed ? 1 : 0);
}

main().catch((err) => {
	console.error('view_test: ' + (err.stack || err));
	process.exit(1);
});
