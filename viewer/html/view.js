/* SPDX-License-Identifier: MIT */
/* view.js - the page's controller: visible time range, scrolling, zoom
 * (wheel, pinch, buttons, keys), pan (drag), hover, click, and selections of
 * findings, locks and spans. Exposes itself as window.ctraceView so tests and
 * curious users can drive it from the console. */
'use strict';

CT.LABEL_W = 190;
CT.MIN_RANGE_NS = 50;

CT.App = class {
	constructor(data) {
		this.model = new CT.Model(data);
		this.panels = new CT.Panels(this);
		this.scroll = document.getElementById('tl-scroll');
		this.inner = document.getElementById('tl-inner');
		this.canvas = document.getElementById('canvas');
		this.tooltip = document.getElementById('tooltip');
		this.renderer = new CT.Renderer(this.canvas, this.model);
		const pad = this.model.duration * 0.01;
		this.state = { t0: -pad, t1: this.model.duration + pad, hover: null,
			selected: null, highlight: null, selection: null };
		this.frames = 0;
		this.lastFrameMs = 0;
		this.pending = false;
		this.totalH = CT.layoutLanes(this.model);
		this.panels.header();
		this.panels.labels(this.totalH);
		this.panels.findings();
		this.panels.contention();
		this.bind();
		this.resize();
	}

	/* ---- view range ---- */

	range() {
		return { t0: this.state.t0, t1: this.state.t1 };
	}

	setRange(t0, t1) {
		const dur = this.model.duration, margin = dur * 0.05;
		let span = Math.max(t1 - t0, CT.MIN_RANGE_NS);
		span = Math.min(span, dur + 2 * margin);
		let a = (t0 + t1) / 2 - span / 2;
		a = Math.max(-margin, Math.min(a, dur + margin - span));
		this.state.t0 = a;
		this.state.t1 = a + span;
		this.redraw();
	}

	fit() {
		const pad = this.model.duration * 0.01;
		this.setRange(-pad, this.model.duration + pad);
	}

	/* Zooms by factor (< 1 zooms in) keeping the time under x fixed. */
	zoomAt(x, factor) {
		const s = this.state, t = s.t0 + (x / this.renderer.w) * (s.t1 - s.t0);
		this.setRange(t - (t - s.t0) * factor, t + (s.t1 - t) * factor);
	}

	zoom(factor) {
		this.zoomAt(this.renderer.w / 2, factor);
	}

	panPx(dx) {
		const s = this.state, dt = dx * (s.t1 - s.t0) / this.renderer.w;
		this.setRange(s.t0 + dt, s.t1 + dt);
	}

	/* Shows [a, b] with some context around it. */
	reveal(a, b) {
		const w = Math.max(b - a, CT.MIN_RANGE_NS * 4);
		this.setRange(a - w * 0.15, b + w * 0.15);
	}

	/* ---- drawing ---- */

	resize() {
		const w = Math.max(50, this.scroll.clientWidth - CT.LABEL_W);
		const h = Math.max(60, this.scroll.clientHeight);
		this.inner.style.height = Math.max(this.totalH + CT.AXIS_H, h) + 'px';
		this.canvas.parentElement.style.height = h + 'px';
		this.renderer.resize(w, h);
		this.redraw();
	}

	redraw() {
		if (this.pending)
			return;
		this.pending = true;
		requestAnimationFrame(() => {
			this.pending = false;
			this.drawNow();
		});
	}

	drawNow() {
		const t = performance.now(), s = this.state;
		this.renderer.draw({ t0: s.t0, t1: s.t1, scrollTop: this.scroll.scrollTop,
			hover: s.hover, selected: s.selected, highlight: s.highlight });
		this.lastFrameMs = performance.now() - t;
		this.frames++;
		document.getElementById('range').textContent =
			CT.fmtDur(s.t0) + ' \u2013 ' + CT.fmtDur(s.t1) + ' (' + CT.fmtDur(s.t1 - s.t0) + ')';
	}

	/* ---- hit testing ---- */

	/* The span under canvas point (x, y): {lane, which, i}, or null. */
	/* The index of the lane under canvas y, or null. */
	hitLane(y) {
		if (y < CT.AXIS_H)
			return null;
		const cy = y - CT.AXIS_H + this.scroll.scrollTop, lanes = this.model.lanes;
		let lo = 0, hi = lanes.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (lanes[mid].y + lanes[mid].h <= cy)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < lanes.length ? lo : null;
	}

	hit(x, y) {
		const lo = this.hitLane(y);
		if (lo === null)
			return null;
		const lane = this.model.lanes[lo];
		const ry = y - CT.AXIS_H + this.scroll.scrollTop - lane.y - CT.LANE_PAD;
		const s = this.state, nsPerPx = (s.t1 - s.t0) / this.renderer.w;
		const t = s.t0 + x * nsPerPx;
		if (ry >= 0 && ry < CT.STATE_H) {
			const i = lane.spans.spanAt(t, 2 * nsPerPx);
			return i < 0 ? null : { lane: lo, which: 'spans', i: i };
		}
		const r = Math.floor((ry - CT.STATE_H) / CT.HOLD_H);
		if (r < 0 || r >= lane.holdRows.length)
			return null;
		const row = lane.holdRows[r], k = row.spanAt(t, 2 * nsPerPx);
		return k < 0 ? null : { lane: lo, which: 'holds', i: row.src[k] };
	}

	/* The finding mark whose head (the triangle at the top of its lane) is
	 * within 5 px of canvas point (x, y), or null. */
	markAt(x, y) {
		const li = this.hitLane(y), s = this.state;
		if (li === null)
			return null;
		const lane = this.model.lanes[li], scale = this.renderer.w / (s.t1 - s.t0);
		if (y - CT.AXIS_H + this.scroll.scrollTop - lane.y > 10)
			return null;
		for (const m of lane.marks)
			if (Math.abs((m.ts - s.t0) * scale - x) <= 5)
				return m;
		return null;
	}

	/* Click: a finding mark selects its finding, else the span. */
	clickAt(x, y) {
		const mark = this.markAt(x, y);
		if (mark) {
			const [kind, index] = mark.finding.split(':');
			this.selectFinding(kind, Number(index));
			return;
		}
		this.selectSpan(this.hit(x, y));
	}

	tooltipFor(ref, px, py) {
		const tip = this.tooltip;
		if (!ref) {
			tip.hidden = true;
			return;
		}
		const m = this.model, lane = m.lanes[ref.lane], tr = lane[ref.which], i = ref.i;
		const lines = [(m.states[tr.state[i]] || '?') +
			(tr.obj[i] ? ' \u2014 ' + m.lockLabel(tr.obj[i]) : ''),
		m.threadLabel(lane.thread) + ', ' + CT.fmtDur(tr.end[i] - tr.start[i]) +
			' at ' + CT.fmtDur(tr.start[i])];
		if (tr.holder[i] >= 0 && m.isWait(tr.state[i]))
			lines.push((m.states[tr.state[i]] === 'wait join' ? 'joining ' : 'held by ') +
				m.threadLabel(tr.holder[i]));
		const frames = m.stack(tr.stack[i]);
		if (frames && frames.length)
			lines.push(CT.frameText(frames[0]).fn);
		tip.replaceChildren(...lines.map((l) => CT.el('div', null, l)));
		tip.hidden = false;
		const r = tip.getBoundingClientRect();
		tip.style.left = Math.min(px + 14, window.innerWidth - r.width - 4) + 'px';
		tip.style.top = Math.min(py + 14, window.innerHeight - r.height - 4) + 'px';
	}

	/* ---- selections ---- */

	clearSelection() {
		for (const e of document.querySelectorAll('.selected'))
			e.classList.remove('selected');
		for (const e of document.querySelectorAll('.lane-label.hl, tr.lockrow.hl'))
			e.classList.remove('hl');
		this.state.highlight = null;
		this.state.selection = null;
		this.state.selected = null;
	}

	applyHighlight(hl, sel, domSelector) {
		this.clearSelection();
		this.state.highlight = hl;
		this.state.selection = sel;
		const el = domSelector ? document.querySelector(domSelector) : null;
		if (el) {
			el.classList.add('selected');
			el.scrollIntoView({ block: 'nearest' });
		}
		for (const lane of this.model.lanes)
			if (hl && hl.threads.has(lane.thread))
				lane.label.classList.add('hl');
		for (const row of document.querySelectorAll('tr.lockrow'))
			if (hl && hl.locks.has(Number(row.dataset.lock)))
				row.classList.add('hl');
		if (hl && hl.count > 0)
			this.reveal(hl.lo, hl.hi);
		else if (hl && hl.hi >= hl.lo)
			this.reveal(hl.lo - this.model.duration * 0.02, hl.hi + this.model.duration * 0.02);
		this.redraw();
	}

	selectFinding(kind, i) {
		const f = (this.model.findings[kind] || [])[i];
		if (!f)
			return false;
		const key = kind + ':' + i;
		let hl;
		if (kind === 'deadlocks') {
			hl = CT.highlightDeadlock(this.model, f);
			this.panels.showDeadlock(f);
		} else {
			const threads = kind === 'misuse' ? [f.thread] : (f.accesses || []).map((a) => a.thread);
			hl = CT.highlightPoint(this.model, key, threads, f.lock);
			this.panels.showPoint(kind, f);
		}
		this.applyHighlight(hl, { kind: kind, index: i }, '.finding[data-key="' + key + '"]');
		return true;
	}

	selectLock(lockId) {
		const hl = CT.highlightLock(this.model, lockId);
		this.applyHighlight(hl, { kind: 'lock', lock: lockId }, 'tr.lockrow[data-lock="' + lockId + '"]');
		this.panels.showLock(lockId, hl);
		document.querySelector('[data-tab=contention]').click();
	}

	selectThread(id) {
		const hl = new CT.Highlight();
		hl.threads.add(id);
		this.applyHighlight(hl.finish(), { kind: 'thread', thread: id }, null);
		const th = this.model.thread(id) || {};
		this.panels.details(CT.el('h3', null, this.model.threadLabel(id)),
			CT.kv([['tid', th.tid], ['created by', th.parent !== null && th.parent !== undefined ?
				this.model.threadLabel(th.parent) : null]]),
			CT.stackEl(this.model, th.create_stack, 'created at'));
	}

	/* Selects a span (keeps a finding's highlight) and shows its details. */
	selectSpan(ref) {
		this.state.selected = ref;
		if (ref)
			this.panels.showSpan(ref);
		this.redraw();
	}

	focusSpan(ref) {
		const tr = this.model.lanes[ref.lane][ref.which];
		this.selectSpan(ref);
		this.reveal(tr.start[ref.i], tr.end[ref.i]);
		const lane = this.model.lanes[ref.lane];
		if (lane.y < this.scroll.scrollTop || lane.y + lane.h > this.scroll.scrollTop +
			this.scroll.clientHeight - CT.AXIS_H)
			this.scroll.scrollTop = Math.max(0, lane.y - 40);
	}

	lanes() {
		return this.model.lanes.map((l) => this.model.threadLabel(l.thread));
	}
};
