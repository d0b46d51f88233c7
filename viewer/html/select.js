/* SPDX-License-Identifier: MIT */
/* select.js - what a selection lights up on the timeline: the threads, locks
 * and spans of a deadlock cycle; the waits on a contended lock and the holds
 * that caused them (with arrows from each release to the acquisition it let
 * happen); the lanes and marks of a misuse or race. Pure queries over the
 * model: no drawing, no DOM. */
'use strict';

CT.Highlight = class {
	constructor() {
		this.threads = new Set();
		this.locks = new Set();
		this.spans = new Map();   /* lane index -> {spans: [i], holds: [i]} */
		this.flows = [];          /* {fromLane, fromT, toLane, toT} */
		this.waits = [];          /* {lane, i, dur} for the details panel */
		this.lo = Infinity;       /* time range covered */
		this.hi = -Infinity;
		this.count = 0;
	}

	/* Adds span i of lane li's track which ('spans' or 'holds'), once. */
	add(model, li, which, i) {
		let sel = this.spans.get(li);
		const tr = model.lanes[li][which];
		if (!sel)
			this.spans.set(li, sel = { spans: [], holds: [], seen: {} });
		const seen = sel.seen[which] || (sel.seen[which] = new Uint8Array(tr.n));
		if (seen[i])
			return;
		seen[i] = 1;
		sel[which].push(i);
		this.cover(tr.start[i], tr.end[i]);
		this.count++;
	}

	cover(a, b) {
		this.lo = Math.min(this.lo, a);
		this.hi = Math.max(this.hi, b);
	}

	/* Sorts the index lists (spans were added in any order). */
	finish() {
		for (const sel of this.spans.values()) {
			for (const k of ['spans', 'holds'])
				sel[k].sort((a, b) => a - b);
			delete sel.seen;
		}
		this.waits.sort((a, b) => b.dur - a.dur || a.lane - b.lane || a.i - b.i);
		return this;
	}
};

/* Among idx (indexes into tr, sorted by start, not overlapping each other),
 * the last span overlapping [a, b]; -1 if none. */
CT.lastOverlap = function (tr, idx, a, b) {
	let lo = 0, hi = idx.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (tr.start[idx[mid]] <= b)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (let k = lo - 1; k >= 0; k--) {
		const i = idx[k];
		if (tr.end[i] >= a)
			return i;
		if (k < lo - 4)
			break;
	}
	return -1;
};

/* Deadlock cycle: per edge, the holds of `holding` by that thread that
 * contain an attempt (wait or hold) on `acquiring`, and those attempts. */
CT.highlightDeadlock = function (model, dl) {
	const hl = new CT.Highlight();
	for (const e of dl.cycle || []) {
		hl.threads.add(e.thread);
		hl.locks.add(e.holding);
		hl.locks.add(e.acquiring);
		const li = model.laneOf.get(e.thread);
		if (li === undefined)
			continue;
		const lane = model.lanes[li];
		const held = model.holdsOf(li, e.holding);
		const tries = [['holds', model.holdsOf(li, e.acquiring)],
			['spans', model.waitsOn(li, e.acquiring)]];
		let found = false;
		for (const [which, idx] of tries) {
			const tr = lane[which];
			for (const a of idx) {
				const h = CT.lastOverlap(lane.holds, held, tr.start[a], tr.end[a]);
				if (h < 0 || h === a && which === 'holds')
					continue;
				hl.add(model, li, 'holds', h);
				hl.add(model, li, which, a);
				found = true;
			}
		}
		if (found)
			continue;
		for (const i of held)
			hl.add(model, li, 'holds', i);
		for (const [which, idx] of tries)
			for (const i of idx)
				hl.add(model, li, which, i);
	}
	return hl.finish();
};

/* The holds of lockId on other threads that overlap wait w of lane li
 * (the holders who made it wait), and among them the one released last
 * before the wait ended (the release that let it acquire): calls
 * visit(laneIndex, holdIndex) for each; returns {lane, i} of the last or
 * null. */
CT.waitHolders = function (model, li, w, lockId, visit) {
	const tr = model.lanes[li].spans, ws = tr.start[w], we = tr.end[w];
	let last = null, lastEnd = -Infinity;
	model.lanes.forEach((lane, lj) => {
		if (lj === li)
			return;
		const idx = model.holdsOf(lj, lockId), h = lane.holds;
		let lo = 0, hi = idx.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (h.end[idx[mid]] <= ws)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (let k = lo; k < idx.length && h.start[idx[k]] < we; k++) {
			const i = idx[k];
			if (visit)
				visit(lj, i);
			if (h.end[i] <= we && h.end[i] > lastEnd) {
				lastEnd = h.end[i];
				last = { lane: lj, i: i };
			}
		}
	});
	return last;
};

/* Contended lock: every wait on it, the holds of the threads that held it
 * meanwhile, and an arrow from the release that ended each wait. */
CT.highlightLock = function (model, lockId) {
	const hl = new CT.Highlight();
	hl.locks.add(lockId);
	model.lanes.forEach((lane, li) => {
		for (const w of model.waitsOn(li, lockId)) {
			const tr = lane.spans, we = tr.end[w];
			hl.add(model, li, 'spans', w);
			hl.threads.add(lane.thread);
			hl.waits.push({ lane: li, i: w, dur: we - tr.start[w] });
			const last = CT.waitHolders(model, li, w, lockId, (lj, i) => {
				hl.add(model, lj, 'holds', i);
				hl.threads.add(model.lanes[lj].thread);
			});
			if (last)
				hl.flows.push({ fromLane: last.lane, fromT: model.lanes[last.lane].holds.end[last.i],
					toLane: li, toT: we });
		}
	});
	return hl.finish();
};

/* A misuse or race: its threads, its lock, and its marks on the timeline;
 * a race's two marks joined by a flow, earlier access to later. */
CT.highlightPoint = function (model, key, threads, lock) {
	const hl = new CT.Highlight();
	for (const t of threads)
		if (t !== null && t !== undefined)
			hl.threads.add(t);
	if (lock)
		hl.locks.add(lock);
	const found = [];
	model.lanes.forEach((lane, li) => {
		for (const m of lane.marks)
			if (m.finding === key) {
				hl.cover(m.ts, m.ts);
				found.push({ lane: li, ts: m.ts });
			}
	});
	if (key.startsWith('races:') && found.length === 2) {
		found.sort((a, b) => a.ts - b.ts);
		hl.flows.push({ fromLane: found[0].lane, fromT: found[0].ts,
			toLane: found[1].lane, toT: found[1].ts });
	}
	return hl.finish();
};
