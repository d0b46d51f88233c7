/* SPDX-License-Identifier: MIT */
/* panels.js - the DOM around the timeline: header summary, legend, lane
 * labels, the findings list, the contention table and the details pane
 * (span, finding or lock, with symbolized stacks). Text only goes in through
 * textContent, never as HTML. */
'use strict';

/* el('li', {class: 'x', onclick: f}, child, 'text', ...) */
CT.el = function (tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null)
			continue;
		if (k.startsWith('on'))
			e.addEventListener(k.slice(2), v);
		else if (k === 'class')
			e.className = v;
		else
			e.setAttribute(k, v);
	}
	for (const c of kids)
		if (c !== null && c !== undefined && c !== false)
			e.append(c instanceof Node ? c : String(c));
	return e;
};

CT.frameText = function (f) {
	/* [pc, function, file, line, module], a Python frame: [null, qualname,
	 * .py file, line, null, 'python'] */
	const where = f[2] ? f[2] + (f[3] ? ':' + f[3] : '') : '';
	const python = f[5] === 'python';
	return { pc: f[0] || '', fn: f[1] || '??', where: where, mod: python ? 'python' : f[4] || '',
		python: python };
};

/* A stack as an ordered list, innermost first; a note when absent. */
CT.stackEl = function (model, id, title) {
	const frames = model.stack(id);
	const box = CT.el('div', { class: 'stack-box' });
	if (title)
		box.append(CT.el('div', { class: 'stack-title' }, title));
	if (!frames || !frames.length) {
		box.append(CT.el('div', { class: 'muted' }, 'no stack recorded'));
		return box;
	}
	const ol = CT.el('ol', { class: 'stack', start: '0' });
	for (const f of frames) {
		const t = CT.frameText(f);
		ol.append(CT.el('li', { title: t.mod + ' ' + t.pc },
			CT.el('span', { class: 'fn' }, t.fn), ' ',
			t.where ? CT.el('span', { class: 'loc' }, t.where) : CT.el('span', { class: 'mod' }, t.mod),
			' ', t.python ? CT.el('span', { class: 'mod' }, '(python)') : CT.el('span', { class: 'pc' }, t.pc)));
	}
	box.append(ol);
	return box;
};

CT.kv = function (rows) {
	const dl = CT.el('dl', { class: 'kv' });
	for (const [k, v] of rows) {
		if (v === null || v === undefined || v === '')
			continue;
		dl.append(CT.el('dt', null, k), CT.el('dd', null, v));
	}
	return dl;
};

/* "holds A, wants B", or "waits on B" (a stall holds nothing). */
CT.edgeText = function (m, e, verb) {
	if (!e.holding)
		return 'waits on ' + m.lockLabel(e.acquiring);
	return 'holds ' + m.lockLabel(e.holding) + ', ' + verb + ' ' + m.lockLabel(e.acquiring);
};

/* "T2 'w' write of size 4 at 0x601008" (a sync-object race: the call). */
CT.raceAccessText = function (m, a) {
	const what = (a.atomic ? 'atomic ' : '') + (a.free ? 'free' : a.op);
	if (a.call)
		return m.threadLabel(a.thread) + ' ' + a.op + ' (' + a.call + ')';
	return m.threadLabel(a.thread) + ' ' + what + ' of size ' + a.size + ' at ' + a.address;
};

/* "global 'stats.hits'", "heap block of 40 bytes at 0x... (offset 12)". */
CT.raceLocationText = function (m, f) {
	switch (f.location) {
	case 'global': return "global '" + f.symbol + "'";
	case 'heap': return (f.block.freed ? 'freed ' : '') + 'heap block of ' + f.block.size +
		' bytes at ' + f.block.address + ' (offset ' + f.offset + ')';
	case 'stack': return f.symbol ? "variable '" + f.symbol + "' of " + (f.function || '?') +
		' on the stack of ' + m.threadLabel(f.stack_of_thread) :
		'the stack of ' + m.threadLabel(f.stack_of_thread) + ' (frame unknown)';
	case 'object': return f.object ? m.lockLabel(f.object) : f.address;
	}
	return 'not a global, nor a heap block seen allocated';
};

CT.Panels = class {
	constructor(app) {
		this.app = app;
		this.model = app.model;
	}

	header() {
		const d = this.model.data, m = this.model;
		const argv = (d.program && d.program.argv) || [];
		document.getElementById('prog').textContent = argv.join(' ') || '(unknown program)';
		const nf = this.findingCount();
		const bits = [CT.fmtDur(m.duration), m.lanes.length + ' threads',
			(d.events || 0).toLocaleString('en-US') + ' events',
			nf + (nf === 1 ? ' finding' : ' findings')];
		if (d.dropped)
			bits.push(d.dropped + ' dropped');
		document.getElementById('summary').textContent = bits.join(' \u00b7 ');
		const leg = document.getElementById('legend'), used = new Set(), marks = new Set();
		for (const lane of m.lanes) {
			for (const tr of [lane.spans, ...lane.holdRows])
				for (const s of tr.present)
					used.add(s);
			for (const mk of lane.marks)
				marks.add(mk.kind);
		}
		m.states.forEach((s, i) => {
			if (used.has(i))
				leg.append(CT.el('span', { class: 'legend-item' },
					CT.el('i', { style: 'background:' + CT.stateColor(s, i) }), s));
		});
		for (const [k, c] of Object.entries(CT.markColor))
			if (marks.has(k))
				leg.append(CT.el('span', { class: 'legend-item' },
					CT.el('i', { class: 'mark', style: 'background:' + c }), CT.markName[k]));
	}

	findingCount() {
		const f = this.model.findings;
		return (f.deadlocks || []).length + (f.misuse || []).length + (f.races || []).length;
	}

	labels(totalH) {
		const box = document.getElementById('labels');
		box.style.height = (totalH + CT.AXIS_H) + 'px';
		for (const lane of this.model.lanes) {
			const th = this.model.thread(lane.thread) || {};
			const lab = CT.el('div', { class: 'lane-label', 'data-thread': lane.thread,
				title: 'thread ' + lane.thread + (th.tid ? ', tid ' + th.tid : ''),
				style: 'top:' + (lane.y + CT.AXIS_H) + 'px;height:' + lane.h + 'px',
				onclick: () => this.app.selectThread(lane.thread) },
			CT.el('span', { class: 'lane-name' }, this.model.threadLabel(lane.thread)));
			box.append(lab);
			lane.label = lab;
		}
	}

	findingTitle(kind, f) {
		const m = this.model;
		if (kind === 'deadlocks') {
			const parts = (f.cycle || []).map((e) => m.threadLabel(e.thread) + ' ' +
				CT.edgeText(m, e, 'wants'));
			const names = { 'deadlock': 'Deadlock', 'stall': 'Stall',
				'lock-order-inversion': 'Lock-order inversion' };
			return [names[f.kind] || f.kind, parts.join('; ')];
		}
		if (kind === 'misuse')
			return [(f.severity === 'note' ? 'Note: ' : 'Misuse: ') + f.kind,
				(f.message || '') + ' (' + m.threadLabel(f.thread) + ')'];
		const acc = (f.accesses || []).map((a) => CT.raceAccessText(m, a));
		const what = f.kind === 'sync-object-race' ? 'Race on ' + (f.object ? m.lockLabel(f.object) : f.address)
			: 'Data race on ' + (f.symbol || f.address);
		return [what, acc.join(' / ')];
	}

	findings() {
		const box = document.getElementById('panel-findings');
		const ul = CT.el('ul', { class: 'findings' });
		for (const kind of ['deadlocks', 'races', 'misuse']) {
			(this.model.findings[kind] || []).forEach((f, i) => {
				const [title, sub] = this.findingTitle(kind, f);
				const li = CT.el('li', { class: 'finding finding-' + kind,
					'data-key': kind + ':' + i, tabindex: '0',
					onclick: () => this.app.selectFinding(kind, i),
					onkeydown: (e) => { if (e.key === 'Enter') this.app.selectFinding(kind, i); } },
				CT.el('div', { class: 'f-title' }, title), CT.el('div', { class: 'f-sub' }, sub));
				ul.append(li);
			});
		}
		if (!ul.children.length)
			box.append(CT.el('p', { class: 'muted' }, 'No deadlocks, races or misuse found.'));
		if (this.model.data.findings_note)
			box.append(CT.el('p', { class: 'note' }, this.model.data.findings_note));
		box.append(ul);
		document.querySelector('[data-tab=findings]').textContent =
			'Findings (' + this.findingCount() + ')';
	}

	contention() {
		const box = document.getElementById('panel-contention');
		const rows = this.model.findings.contention || [];
		if (!rows.length) {
			box.append(CT.el('p', { class: 'muted' }, 'No lock was contended.'));
			return;
		}
		const head = ['Lock', 'Acquisitions', 'Contended', 'Wait total', 'Max wait',
			'Hold total', 'Max hold'];
		const table = CT.el('table', { class: 'contention' },
			CT.el('thead', null, CT.el('tr', null, ...head.map((h) => CT.el('th', null, h)))));
		const body = CT.el('tbody');
		for (const r of rows) {
			body.append(CT.el('tr', { class: 'lockrow', 'data-lock': r.lock, tabindex: '0',
				onclick: () => this.app.selectLock(r.lock) },
			CT.el('td', null, this.model.lockLabel(r.lock)),
			CT.el('td', null, r.acquisitions), CT.el('td', null, r.contended),
			CT.el('td', null, CT.fmtDur(r.wait_ns)), CT.el('td', null, CT.fmtDur(r.max_wait_ns)),
			CT.el('td', null, CT.fmtDur(r.hold_ns)), CT.el('td', null, CT.fmtDur(r.max_hold_ns))));
		}
		table.append(body);
		box.append(table);
	}

	details(...nodes) {
		const box = document.getElementById('details');
		box.replaceChildren(...nodes);
		box.scrollTop = 0;
	}

	/* The details of one span; for a wait, who held the lock and where. */
	showSpan(ref) {
		const m = this.model, lane = m.lanes[ref.lane], tr = lane[ref.which], i = ref.i;
		const state = m.states[tr.state[i]] || '?';
		const holder = tr.holder[i];
		const rows = [['thread', m.threadLabel(lane.thread)],
			['lock', tr.obj[i] ? m.lockLabel(tr.obj[i]) : null],
			[state === 'wait join' ? 'joining' : 'held by',
				holder >= 0 && m.isWait(tr.state[i]) ? m.threadLabel(holder) : null],
			['start', CT.fmtDur(tr.start[i])], ['duration', CT.fmtDur(tr.end[i] - tr.start[i])]];
		const nodes = [CT.el('h3', null, state), CT.kv(rows),
			CT.stackEl(m, tr.stack[i], ref.which === 'holds' ? 'acquired at' : 'called from')];
		if (ref.which === 'spans' && tr.obj[i] && state === 'wait lock')
			this.blame(ref, nodes);
		this.details(...nodes);
	}

	/* Who held the lock during a wait, and whose release ended it. */
	blame(ref, nodes) {
		const m = this.model, tr = m.lanes[ref.lane].spans, lock = tr.obj[ref.i];
		const holders = [];
		const last = CT.waitHolders(m, ref.lane, ref.i, lock, (lj, h) => holders.push([lj, h]));
		if (last) {
			const h = m.lanes[last.lane].holds;
			nodes.splice(2, 0, CT.kv([['released by', m.threadLabel(m.lanes[last.lane].thread) +
				' at ' + CT.fmtDur(h.end[last.i])]]));
		}
		for (const [lj, h] of holders.slice(0, 8)) {
			const hold = m.lanes[lj].holds;
			nodes.push(CT.stackEl(m, hold.stack[h], m.threadLabel(m.lanes[lj].thread) +
				' held it for ' + CT.fmtDur(hold.end[h] - hold.start[h]) + ', acquired at'));
		}
		if (holders.length > 8)
			nodes.push(CT.el('p', { class: 'muted' }, (holders.length - 8) + ' more holds'));
	}

	showDeadlock(dl) {
		const m = this.model, nodes = [CT.el('h3', null, this.findingTitle('deadlocks', dl)[0])];
		for (const e of dl.cycle || []) {
			nodes.push(CT.el('h4', null, m.threadLabel(e.thread) + ': ' +
				CT.edgeText(m, e, 'acquiring')));
			if (e.holding)
				nodes.push(CT.stackEl(m, e.holding_stack, 'acquired ' + m.lockLabel(e.holding) + ' at'));
			nodes.push(CT.stackEl(m, e.acquiring_stack, 'acquiring ' + m.lockLabel(e.acquiring) + ' at'));
		}
		this.details(...nodes);
	}

	showPoint(kind, f) {
		const m = this.model, [title, sub] = this.findingTitle(kind, f);
		const nodes = [CT.el('h3', null, title), CT.el('p', null, sub)];
		if (kind === 'misuse') {
			nodes.push(CT.kv([[f.cond ? 'mutex' : 'lock', f.lock ? m.lockLabel(f.lock) : null],
				['condition variable', f.cond ? m.lockLabel(f.cond) : null],
				['other mutex', f.other_lock ? m.lockLabel(f.other_lock) : null],
				['other thread', f.other_thread !== undefined && f.other_thread !== f.thread ?
					m.threadLabel(f.other_thread) : null]]));
			nodes.push(CT.stackEl(m, f.stack, 'at'));
			if (f.other_stack)
				nodes.push(CT.stackEl(m, f.other_stack, 'acquired at'));
		} else {
			nodes.push(CT.kv([['location', CT.raceLocationText(m, f)],
				['address', f.address + ' (' + f.size + ' byte' + (f.size === 1 ? '' : 's') + ')']]));
			(f.accesses || []).forEach((a, k) => {
				nodes.push(CT.stackEl(m, a.stack, (k ? 'before it, ' : '') + CT.raceAccessText(m, a) +
					(a.locks_held && a.locks_held.length ?
						', holding ' + a.locks_held.map((l) => m.lockLabel(l)).join(', ') : '')));
			});
			if (f.block && f.block.allocation_stack)
				nodes.push(CT.stackEl(m, f.block.allocation_stack, 'block allocated by ' +
					m.threadLabel(f.block.thread) + ' at'));
			if (f.block && f.block.freed && f.block.free_stack)
				nodes.push(CT.stackEl(m, f.block.free_stack, 'block freed by ' +
					m.threadLabel(f.block.free_thread) + ' at'));
		}
		this.details(...nodes);
	}

	/* A contended lock: figures, its longest waits (click to go there) and
	 * where the waits came from with the holders to blame. */
	showLock(lockId, hl) {
		const m = this.model, lock = m.locks.get(lockId) || {};
		const st = (m.findings.contention || []).find((r) => r.lock === lockId) || {};
		const nodes = [CT.el('h3', null, m.lockLabel(lockId)),
			CT.kv([['kind', lock.kind], ['address', lock.address],
				['contended', st.contended !== undefined ?
					st.contended + ' of ' + st.acquisitions + ' acquisitions' : null],
				['waiting', st.wait_ns !== undefined ? CT.fmtDur(st.wait_ns) : null]])];
		const ul = CT.el('ul', { class: 'waits' });
		for (const w of hl.waits.slice(0, 25)) {
			const tr = m.lanes[w.lane].spans, h = tr.holder[w.i];
			ul.append(CT.el('li', { class: 'wait', onclick: () => this.app.focusSpan(
				{ lane: w.lane, which: 'spans', i: w.i }) },
			CT.fmtDur(w.dur) + ' ' + m.threadLabel(m.lanes[w.lane].thread) +
				(h >= 0 ? ' waited for ' + m.threadLabel(h) : ' waited') +
				' at ' + CT.fmtDur(tr.start[w.i])));
		}
		if (hl.waits.length)
			nodes.push(CT.el('h4', null, 'Longest waits (' + hl.waits.length + ')'), ul);
		(st.sites || []).forEach((s, k) => {
			nodes.push(CT.el('h4', null, 'Site ' + (k + 1) + ': ' + s.contended +
				' contended, ' + CT.fmtDur(s.wait_ns)));
			nodes.push(CT.stackEl(m, s.stack, 'waiting here'));
			nodes.push(CT.stackEl(m, s.blamed_holder_stack, 'the holder had acquired it at'));
		});
		nodes.push(CT.stackEl(m, lock.init_stack, 'initialized at'));
		this.details(...nodes);
	}
};
