/* SPDX-License-Identifier: MIT */
/* model.js - decodes the view data embedded in the page (written by
 * viewer/render_html.c, format "ctrace_view": 1) into per-lane tracks of
 * typed arrays, and the level-of-detail index the renderer needs: per-state
 * prefix sums of span time, so a run of sub-pixel spans is summed in O(states)
 * and a frame costs the number of pixels, not the number of spans. */
'use strict';

const CT = {};

/* First index i in [from, n) with arr[i] >= x (n if none); arr sorted. */
CT.lowerBound = function (arr, n, x, from) {
	let lo = from || 0, hi = n;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (arr[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
};

/* First index i in [0, n) with arr[i] > x (n if none). */
CT.upperBound = function (arr, n, x) {
	let lo = 0, hi = n;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (arr[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
};

/* Weights used when sub-pixel spans are merged: a pixel that is a quarter
 * waiting shows as waiting, because waits are what people look for. */
CT.stateWeight = function (name) {
	if (name === 'running' || name === 'idle')
		return 1;
	if (name.indexOf('wait') >= 0 || name.indexOf('blocked') >= 0)
		return 3;
	return 1.5;
};

/* A row of non-overlapping spans sorted by start. */
CT.Track = class {
	constructor(n) {
		this.n = n;
		this.start = new Float64Array(n);
		this.end = new Float64Array(n);
		this.state = new Uint8Array(n);
		this.obj = new Uint32Array(n);
		this.holder = new Int32Array(n).fill(-1);
		this.stack = new Uint32Array(n);
		this.present = [];    /* states occurring in this track */
		this.sums = [];       /* per present state: Float64Array(n + 1) */
	}

	/* Builds the prefix sums; weights[s] scales state s when merging. */
	buildIndex(weights) {
		const slot = new Int16Array(256).fill(-1);
		for (let i = 0; i < this.n; i++) {
			const s = this.state[i];
			if (slot[s] < 0) {
				slot[s] = this.present.length;
				this.present.push(s);
			}
		}
		this.weights = this.present.map((s) => weights[s] || 1);
		this.sums = this.present.map(() => new Float64Array(this.n + 1));
		const np = this.present.length;
		for (let p = 0; p < np; p++) {
			const sum = this.sums[p], want = this.present[p];
			let acc = 0;
			for (let i = 0; i < this.n; i++) {
				if (this.state[i] === want)
					acc += this.end[i] - this.start[i];
				sum[i + 1] = acc;
			}
		}
	}

	/* The state that dominates spans [i, j) by weighted time. */
	dominant(i, j) {
		let best = this.state[i], bestv = -1;
		for (let p = 0; p < this.present.length; p++) {
			const v = (this.sums[p][j] - this.sums[p][i]) * this.weights[p];
			if (v > bestv) {
				bestv = v;
				best = this.present[p];
			}
		}
		return best;
	}

	/* First span ending after t (spans do not overlap: ends are sorted). */
	firstEndingAfter(t) {
		return CT.upperBound(this.end, this.n, t);
	}

	/* The span under time t, or the nearest within slack ns; -1 if none. */
	spanAt(t, slack) {
		let i = this.firstEndingAfter(t - slack);
		let best = -1, bestd = Infinity;
		for (; i < this.n && this.start[i] <= t + slack; i++) {
			const d = t < this.start[i] ? this.start[i] - t :
				t > this.end[i] ? t - this.end[i] : 0;
			if (d < bestd) {
				bestd = d;
				best = i;
			}
			if (d === 0)
				break;
		}
		return best;
	}
};

/* Decodes one span table {t: start deltas, d, s, o, h, k} into a Track. */
CT.decodeSpans = function (tab, n) {
	const tr = new CT.Track(n);
	let t = 0;
	for (let i = 0; i < n; i++) {
		t += tab.t[i];
		tr.start[i] = t;
		tr.end[i] = t + tab.d[i];
		tr.state[i] = tab.s ? tab.s[i] : 0;
		if (tab.o)
			tr.obj[i] = tab.o[i];
		if (tab.h)
			tr.holder[i] = tab.h[i];
		if (tab.k)
			tr.stack[i] = tab.k[i];
	}
	return tr;
};

/* Lock holds may nest or overlap (lock A, lock B, unlock A): they are packed
 * greedily into rows of non-overlapping spans; outer holds come first because
 * the writer sorts by start, then longest first. Sets all.row[i] and
 * all.rowIdx[i] (the row of hold i and its index there); returns the rows. */
CT.packHolds = function (all) {
	const rowEnd = [], rowOf = new Int32Array(all.n), counts = [];
	for (let i = 0; i < all.n; i++) {
		let r = 0;
		while (r < rowEnd.length && rowEnd[r] > all.start[i])
			r++;
		if (r === rowEnd.length) {
			rowEnd.push(0);
			counts.push(0);
		}
		rowEnd[r] = all.end[i];
		rowOf[i] = r;
		counts[r]++;
	}
	all.row = rowOf;
	const rows = counts.map((c) => {
		const tr = new CT.Track(c);
		tr.src = new Uint32Array(c);
		tr.fill = 0;
		return tr;
	});
	for (let i = 0; i < all.n; i++) {
		const tr = rows[rowOf[i]], k = tr.fill++;
		tr.start[k] = all.start[i];
		tr.end[k] = all.end[i];
		tr.state[k] = all.state[i];
		tr.obj[k] = all.obj[i];
		tr.holder[k] = all.holder[i];
		tr.stack[k] = all.stack[i];
		tr.src[k] = i;
	}
	all.rowIdx = new Uint32Array(all.n);
	for (const tr of rows)
		for (let k = 0; k < tr.n; k++)
			all.rowIdx[tr.src[k]] = k;
	return rows;
};

CT.Model = class {
	constructor(data) {
		if (!data || data.ctrace_view !== 1)
			throw new Error('ctrace: unknown view data version');
		this.data = data;
		this.duration = Math.max(1, data.duration_ns || 1);
		this.states = data.states || [];
		this.weights = this.states.map(CT.stateWeight);
		this.threads = new Map();
		for (const th of data.threads || [])
			this.threads.set(th.id, th);
		this.multiProcess = new Set((data.threads || []).map((t) => t.pid)).size > 1;
		this.locks = new Map();
		for (const l of data.locks || [])
			this.locks.set(l.id, l);
		this.stacks = data.stacks || {};
		this.findings = data.findings || {};
		this.lanes = (data.lanes || []).map((l) => this.decodeLane(l));
		this.laneOf = new Map();
		this.lanes.forEach((l, i) => this.laneOf.set(l.thread, i));
		for (const m of data.marks || []) {
			const li = this.laneOf.get(m.thread);
			if (li !== undefined)
				this.lanes[li].marks.push(m);
		}
		for (const l of this.lanes) {
			l.marks.sort((a, b) => a.ts - b.ts);
			l.markTs = Float64Array.from(l.marks, (m) => m.ts);
		}
		this.spanCount = this.lanes.reduce((a, l) =>
			a + l.spans.n + l.holdRows.reduce((b, r) => b + r.n, 0), 0);
	}

	decodeLane(l) {
		const spans = CT.decodeSpans(l.spans, l.spans.t.length);
		spans.buildIndex(this.weights);
		const holds = CT.decodeSpans(l.holds, l.holds.t.length);
		const holdRows = CT.packHolds(holds);
		for (const r of holdRows)
			r.buildIndex(this.weights);
		return { thread: l.thread, spans: spans, holds: holds, holdRows: holdRows,
			marks: [], y: 0, h: 0 };
	}

	thread(id) {
		return this.threads.get(id);
	}

	threadLabel(id) {
		const th = this.threads.get(id);
		if (!th)
			return 'thread ' + id;
		return (th.name || (id === 0 ? 'main' : 'thread ' + id)) + ' [' + id + ']' +
			(this.multiProcess ? ' pid ' + th.pid : '');
	}

	lockLabel(id) {
		const l = this.locks.get(id);
		if (!l)
			return id ? 'object ' + id : '';
		if (l.kind === 'thread' && l.thread !== null && l.thread !== undefined)
			return 'thread ' + this.threadLabel(l.thread);
		if (l.symbol)
			return l.symbol;
		if (l.name)
			return l.kind + ' ' + l.name;
		return l.kind + ' ' + l.address;
	}

	stack(id) {
		return id ? this.stacks[id] || null : null;
	}

	isWait(state) {
		const name = this.states[state] || '';
		return name.indexOf('wait') >= 0;
	}

	/* Indexes (sorted by start) of lane li's holds of lock obj; cached. */
	holdsOf(li, obj) {
		const lane = this.lanes[li];
		if (!lane.holdsByLock) {
			lane.holdsByLock = new Map();
			const h = lane.holds;
			for (let i = 0; i < h.n; i++) {
				let a = lane.holdsByLock.get(h.obj[i]);
				if (!a)
					lane.holdsByLock.set(h.obj[i], a = []);
				a.push(i);
			}
		}
		return lane.holdsByLock.get(obj) || [];
	}

	/* Indexes of lane li's state spans that wait on obj. */
	waitsOn(li, obj) {
		const tr = this.lanes[li].spans, out = [];
		for (let i = 0; i < tr.n; i++)
			if (tr.obj[i] === obj && this.isWait(tr.state[i]))
				out.push(i);
		return out;
	}
};
