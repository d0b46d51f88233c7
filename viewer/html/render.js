/* SPDX-License-Identifier: MIT */
/* render.js - draws the timeline on a <canvas>: time axis, one lane per
 * thread (a state row, then rows of lock holds), finding marks, highlights,
 * hover and selection. Spans narrower than a pixel are merged per pixel
 * column through the tracks' prefix sums (model.js); it never creates one DOM
 * node per span. Computes nothing about the trace itself. */
'use strict';

CT.AXIS_H = 26;
CT.STATE_H = 16;
CT.HOLD_H = 8;
CT.LANE_PAD = 5;

/* Colors by state name (tl_state_name() in viewer/timeline.h, plus
 * "hold (read)"); an unknown name gets a color by keyword, then a stable
 * spare one, so a new state in the C model still renders. */
CT.stateColor = function (name, i) {
	const exact = {
		'running': '#a5d6a7', 'hold': '#1e88e5', 'hold (read)': '#90caf9',
		'wait lock': '#e53935', 'wait cond': '#fb8c00', 'wait sem': '#8e24aa',
		'wait barrier': '#00897b', 'wait join': '#8d6e63', 'wait mq': '#f9a825',
		'wait': '#9e9e9e',
	};
	if (exact[name])
		return exact[name];
	const byWord = [['read', '#90caf9'], ['hold', '#1e88e5'], ['lock', '#e53935'],
		['cond', '#fb8c00'], ['sem', '#8e24aa'], ['barrier', '#00897b'],
		['join', '#8d6e63'], ['mq', '#f9a825'], ['run', '#a5d6a7']];
	for (const [k, c] of byWord)
		if (name.indexOf(k) >= 0)
			return c;
	const spare = ['#26a69a', '#7e57c2', '#d4e157', '#78909c', '#ec407a'];
	return spare[i % spare.length];
};

/* Finding marks by class (the mark's kind), and their names in the legend. */
CT.markColor = { deadlock: '#b71c1c', stall: '#4e342e', 'lock-order-inversion': '#6a1b9a',
	misuse: '#ef6c00', race: '#ad1457' };
CT.markName = { deadlock: 'deadlock', stall: 'stall', 'lock-order-inversion': 'lock-order inversion',
	misuse: 'misuse', race: 'race' };

/* Lays lanes out top to bottom; returns the total height. */
CT.layoutLanes = function (model) {
	let y = 0;
	for (const l of model.lanes) {
		l.y = y;
		l.h = CT.LANE_PAD * 2 + CT.STATE_H + l.holdRows.length * CT.HOLD_H;
		y += l.h;
	}
	return y;
};

/* Picks a 1-2-5 tick step so that labels are about 110 px apart. */
CT.tickStep = function (nsPerPx) {
	const raw = nsPerPx * 110;
	let step = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
	for (const m of [1, 2, 5, 10])
		if (step * m >= raw)
			return step * m;
	return step * 10;
};

/* "532 ns", "12.5 us", "3.07 ms", "1.25 s". */
CT.fmtDur = function (ns) {
	const a = Math.abs(ns);
	const fmt = (v, u) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) :
		v.toFixed(2)) + ' ' + u;
	if (a < 1e3)
		return Math.round(ns) + ' ns';
	if (a < 1e6)
		return fmt(ns / 1e3, 'us');
	if (a < 1e9)
		return fmt(ns / 1e6, 'ms');
	return fmt(ns / 1e9, 's');
};

CT.Renderer = class {
	constructor(canvas, model) {
		this.canvas = canvas;
		this.ctx = canvas.getContext('2d', { alpha: false });
		this.model = model;
		this.colors = model.states.map(CT.stateColor);
		this.w = 0;
		this.h = 0;
		this.drawn = 0;  /* rectangles in the last frame (for tests/bench) */
	}

	resize(w, h) {
		const dpr = window.devicePixelRatio || 1;
		this.w = w;
		this.h = h;
		this.canvas.width = Math.max(1, Math.round(w * dpr));
		this.canvas.height = Math.max(1, Math.round(h * dpr));
		this.canvas.style.width = w + 'px';
		this.canvas.style.height = h + 'px';
		this.dpr = dpr;
	}

	/* v: {t0, t1, scrollTop, hover, selected, highlight}. */
	draw(v) {
		const ctx = this.ctx;
		ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
		ctx.fillStyle = '#ffffff';
		ctx.fillRect(0, 0, this.w, this.h);
		this.drawn = 0;
		const scale = this.w / (v.t1 - v.t0);
		const ctxv = { t0: v.t0, t1: v.t1, scale: scale, hl: v.highlight };
		ctx.save();
		ctx.beginPath();
		ctx.rect(0, CT.AXIS_H, this.w, this.h - CT.AXIS_H);
		ctx.clip();
		this.model.lanes.forEach((lane, li) => {
			const y = lane.y - v.scrollTop + CT.AXIS_H;
			if (y + lane.h < CT.AXIS_H || y > this.h)
				return;
			this.drawLane(lane, li, y, ctxv);
		});
		if (v.highlight)
			this.drawFlows(v.highlight.flows, v.scrollTop, ctxv);
		this.outlineSpan(v.hover, v.scrollTop, ctxv, '#424242', 1);
		this.outlineSpan(v.selected, v.scrollTop, ctxv, '#000000', 2);
		ctx.restore();
		this.drawAxis(ctxv);
	}

	drawLane(lane, li, y, cv) {
		const ctx = this.ctx;
		const hl = cv.hl, laneHl = hl && hl.threads.has(lane.thread);
		ctx.fillStyle = laneHl ? '#fff8e1' : li % 2 ? '#fafafa' : '#ffffff';
		ctx.fillRect(0, y, this.w, lane.h);
		ctx.globalAlpha = hl ? 0.28 : 1;
		const sy = y + CT.LANE_PAD;
		this.drawTrack(lane.spans, sy, CT.STATE_H, cv);
		lane.holdRows.forEach((row, r) => {
			this.drawTrack(row, sy + CT.STATE_H + r * CT.HOLD_H + 1, CT.HOLD_H - 1, cv);
		});
		ctx.globalAlpha = 1;
		if (hl && hl.spans.has(li))
			this.drawHighlighted(lane, hl.spans.get(li), sy, cv);
		this.drawMarks(lane, y, cv);
		ctx.fillStyle = '#e0e0e0';
		ctx.fillRect(0, y + lane.h - 1, this.w, 1);
	}

	/* One row: wide spans as they are, runs of narrow ones one pixel each. */
	drawTrack(tr, y, h, cv) {
		const ctx = this.ctx, n = tr.n, w = this.w;
		let i = tr.firstEndingAfter(cv.t0), last = -1;
		while (i < n && tr.start[i] < cv.t1) {
			const x0 = (tr.start[i] - cv.t0) * cv.scale;
			const x1 = (tr.end[i] - cv.t0) * cv.scale;
			let s, xa, xw, j;
			if (x1 - x0 >= 1) {
				s = tr.state[i];
				xa = Math.max(x0, -1);
				xw = Math.min(x1, w + 1) - xa;
				j = i + 1;
			} else {
				const col = Math.floor(x0);
				const colEnd = cv.t0 + (col + 1) / cv.scale;
				j = CT.lowerBound(tr.start, n, colEnd, i + 1);
				if (j - 1 > i && tr.end[j - 1] > colEnd)
					j--;
				s = j - i > 1 ? tr.dominant(i, j) : tr.state[i];
				xa = col;
				xw = 1;
			}
			if (s !== last) {
				ctx.fillStyle = this.colors[s] || '#9e9e9e';
				last = s;
			}
			ctx.fillRect(xa, y, xw, h);
			this.drawn++;
			i = j;
		}
	}

	/* Highlighted spans are drawn one by one, at least 3 px wide so a single
	 * wait stays visible at any zoom; a span falling on pixels already
	 * drawn in its row is skipped, so a frame stays bounded by the width. */
	drawHighlighted(lane, sel, sy, cv) {
		this.drawChosen(lane.spans, sel.spans, null, sy, CT.STATE_H, cv);
		this.drawChosen(lane.holds, sel.holds, lane.holds.row, sy + CT.STATE_H + 1,
			CT.HOLD_H - 1, cv);
	}

	/* Spans idx of tr (sorted by start); rows[i] (or 0) offsets them by
	 * HOLD_H. */
	drawChosen(tr, idx, rows, y0, h, cv) {
		const ctx = this.ctx, lastX = new Float64Array(rows ? 64 : 1).fill(-Infinity);
		const lo = cv.t0 - 3 / cv.scale, w = this.w;
		for (let k = 0; k < idx.length; k++) {
			const i = idx[k];
			if (tr.end[i] < lo)
				continue;
			if (tr.start[i] > cv.t1)
				break;
			const r = rows ? Math.min(rows[i], 63) : 0;
			const x0 = (tr.start[i] - cv.t0) * cv.scale;
			const x1 = (tr.end[i] - cv.t0) * cv.scale;
			if ((x1 > x0 + 3 ? x1 : x0 + 3) <= lastX[r] + 1)
				continue;   /* falls on pixels already drawn */
			const xa = x0 < -2 ? -2 : x0;
			const xw = Math.max((x1 < w + 2 ? x1 : w + 2) - xa, 3);
			lastX[r] = xa + xw;
			const y = y0 + r * CT.HOLD_H;
			/* an outline from two fills: strokeRect is far slower without a GPU */
			ctx.fillStyle = '#212121';
			ctx.fillRect(xa, y, xw, h);
			ctx.fillStyle = this.colors[tr.state[i]] || '#9e9e9e';
			ctx.fillRect(xa + 1, y + 1, xw - 2, h - 2);
			this.drawn++;
		}
	}

	drawMarks(lane, y, cv) {
		const ctx = this.ctx;
		const from = CT.lowerBound(lane.markTs, lane.marks.length, cv.t0);
		for (let k = from; k < lane.marks.length && lane.marks[k].ts <= cv.t1; k++) {
			const m = lane.marks[k], x = (m.ts - cv.t0) * cv.scale;
			ctx.fillStyle = CT.markColor[m.kind] || '#000';
			ctx.fillRect(Math.round(x) - 1, y + 1, 2, lane.h - 2);
			ctx.beginPath();
			ctx.moveTo(x - 5, y + 1);
			ctx.lineTo(x + 5, y + 1);
			ctx.lineTo(x, y + 8);
			ctx.closePath();
			ctx.fill();
		}
	}

	/* Arrows from a holder's release to the acquisition it let happen;
	 * at most 300 per frame, those with an end in view. */
	drawFlows(flows, scrollTop, cv) {
		if (!flows)
			return;
		const ctx = this.ctx, lanes = this.model.lanes;
		let drawn = 0;
		ctx.strokeStyle = '#b71c1c';
		ctx.fillStyle = '#b71c1c';
		ctx.lineWidth = 1.5;
		for (const f of flows) {
			const x0 = (f.fromT - cv.t0) * cv.scale, x1 = (f.toT - cv.t0) * cv.scale;
			if ((x0 < 0 || x0 > this.w) && (x1 < 0 || x1 > this.w))
				continue;
			if (++drawn > 300)
				break;
			const a = lanes[f.fromLane], b = lanes[f.toLane];
			const y0 = a.y - scrollTop + CT.AXIS_H + CT.LANE_PAD + CT.STATE_H / 2;
			const y1 = b.y - scrollTop + CT.AXIS_H + CT.LANE_PAD + CT.STATE_H / 2;
			ctx.beginPath();
			ctx.moveTo(x0, y0);
			ctx.lineTo(x1, y1);
			ctx.stroke();
			const ang = Math.atan2(y1 - y0, x1 - x0);
			ctx.beginPath();
			ctx.moveTo(x1, y1);
			ctx.lineTo(x1 - 7 * Math.cos(ang - 0.4), y1 - 7 * Math.sin(ang - 0.4));
			ctx.lineTo(x1 - 7 * Math.cos(ang + 0.4), y1 - 7 * Math.sin(ang + 0.4));
			ctx.closePath();
			ctx.fill();
		}
	}

	/* ref: {lane, which: 'spans'|'holds', i} or null. */
	spanRect(ref, scrollTop, cv) {
		const lane = this.model.lanes[ref.lane], tr = lane[ref.which];
		let y = lane.y - scrollTop + CT.AXIS_H + CT.LANE_PAD, h = CT.STATE_H;
		if (ref.which === 'holds') {
			y += CT.STATE_H + tr.row[ref.i] * CT.HOLD_H + 1;
			h = CT.HOLD_H - 1;
		}
		const x0 = (tr.start[ref.i] - cv.t0) * cv.scale;
		const x1 = (tr.end[ref.i] - cv.t0) * cv.scale;
		return { x: x0, y: y, w: Math.max(x1 - x0, 2), h: h };
	}

	outlineSpan(ref, scrollTop, cv, color, width) {
		if (!ref)
			return;
		const r = this.spanRect(ref, scrollTop, cv), ctx = this.ctx;
		ctx.strokeStyle = color;
		ctx.lineWidth = width;
		ctx.strokeRect(Math.max(r.x, -4) - 1, r.y - 1,
			Math.min(r.w, this.w + 8) + 2, r.h + 2);
	}

	drawAxis(cv) {
		const ctx = this.ctx, nsPerPx = 1 / cv.scale;
		ctx.fillStyle = '#f5f5f5';
		ctx.fillRect(0, 0, this.w, CT.AXIS_H);
		ctx.fillStyle = '#bdbdbd';
		ctx.fillRect(0, CT.AXIS_H - 1, this.w, 1);
		const step = CT.tickStep(nsPerPx);
		ctx.fillStyle = '#424242';
		ctx.font = '11px system-ui, sans-serif';
		ctx.textBaseline = 'middle';
		for (let t = Math.ceil(cv.t0 / step) * step; t <= cv.t1; t += step) {
			const x = Math.round((t - cv.t0) * cv.scale) + 0.5;
			ctx.fillRect(x, CT.AXIS_H - 7, 1, 6);
			ctx.fillText(CT.fmtDur(t), x + 3, CT.AXIS_H / 2 - 2);
		}
	}
};
