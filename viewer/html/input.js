/* SPDX-License-Identifier: MIT */
/* input.js - mouse, touch and keyboard bindings of the page, and its start:
 * wheel or pinch zooms around the pointer, drag pans (and scrolls lanes),
 * a click without a drag selects the span under the pointer. */
'use strict';

CT.App.prototype.bind = function () {
	const c = this.canvas, s = this.state;
	const local = (e) => {
		const r = c.getBoundingClientRect();
		return { x: e.clientX - r.left, y: e.clientY - r.top };
	};
	c.addEventListener('wheel', (e) => {
		e.preventDefault();
		const p = local(e);
		const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
		const dx = e.deltaX * unit, dy = e.deltaY * unit;
		if (e.shiftKey && !e.ctrlKey)
			this.scroll.scrollTop += dy;
		else if (Math.abs(dx) > Math.abs(dy) && !e.ctrlKey)
			this.panPx(dx);
		else
			this.zoomAt(p.x, Math.exp(dy * (e.ctrlKey ? 0.01 : 0.002)));
	}, { passive: false });
	this.bindPointer(local);
	c.addEventListener('mouseleave', () => {
		s.hover = null;
		this.tooltip.hidden = true;
		this.redraw();
	});
	this.scroll.addEventListener('scroll', () => this.redraw());
	window.addEventListener('resize', () => this.resize());
	if (window.ResizeObserver)
		new ResizeObserver(() => this.resize()).observe(this.scroll);
	document.getElementById('zoom-in').addEventListener('click', () => this.zoom(0.5));
	document.getElementById('zoom-out').addEventListener('click', () => this.zoom(2));
	document.getElementById('zoom-fit').addEventListener('click', () => this.fit());
	document.addEventListener('keydown', (e) => this.key(e));
	for (const b of document.querySelectorAll('#tabs button'))
		b.addEventListener('click', () => this.showTab(b.dataset.tab));
};

/* Pointer events: one pointer drags, two pinch. */
CT.App.prototype.bindPointer = function (local) {
	const c = this.canvas, s = this.state, ptrs = new Map();
	let drag = null, pinch = null;
	c.addEventListener('pointerdown', (e) => {
		c.setPointerCapture(e.pointerId);
		ptrs.set(e.pointerId, local(e));
		if (ptrs.size === 1)
			drag = { x: e.clientX, y: e.clientY, t0: s.t0, t1: s.t1,
				top: this.scroll.scrollTop, moved: false };
		else if (ptrs.size === 2) {
			const [a, b] = [...ptrs.values()];
			pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, t0: s.t0, t1: s.t1 };
			drag = null;
		}
	});
	c.addEventListener('pointermove', (e) => {
		const p = local(e);
		if (ptrs.has(e.pointerId))
			ptrs.set(e.pointerId, p);
		if (pinch && ptrs.size === 2) {
			const [a, b] = [...ptrs.values()];
			const f = pinch.d / (Math.hypot(a.x - b.x, a.y - b.y) || 1);
			const mid = (a.x + b.x) / 2, w = this.renderer.w;
			const t = pinch.t0 + mid / w * (pinch.t1 - pinch.t0);
			this.setRange(t - (t - pinch.t0) * f, t + (pinch.t1 - t) * f);
			return;
		}
		if (drag) {
			const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
			if (Math.abs(dx) + Math.abs(dy) > 3)
				drag.moved = true;
			if (drag.moved) {
				const dt = dx * (drag.t1 - drag.t0) / this.renderer.w;
				this.setRange(drag.t0 - dt, drag.t1 - dt);
				this.scroll.scrollTop = drag.top - dy;
				this.tooltip.hidden = true;
				return;
			}
		}
		const ref = this.hit(p.x, p.y);
		const same = (a, b) => a === b || (a && b && a.lane === b.lane &&
			a.which === b.which && a.i === b.i);
		if (!same(ref, s.hover)) {
			s.hover = ref;
			this.redraw();
		}
		this.tooltipFor(ref, e.clientX, e.clientY);
	});
	const up = (e) => {
		ptrs.delete(e.pointerId);
		if (ptrs.size < 2)
			pinch = null;
		if (drag && !drag.moved && e.type === 'pointerup') {
			const p = local(e);
			this.clickAt(p.x, p.y);
		}
		drag = null;
	};
	c.addEventListener('pointerup', up);
	c.addEventListener('pointercancel', up);
};

CT.App.prototype.key = function (e) {
	if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA'))
		return;
	const k = e.key;
	if (k === 'w' || k === '+' || k === '=')
		this.zoom(0.7);
	else if (k === 's' || k === '-')
		this.zoom(1 / 0.7);
	else if (k === 'a' || k === 'ArrowLeft')
		this.panPx(-this.renderer.w * 0.15);
	else if (k === 'd' || k === 'ArrowRight')
		this.panPx(this.renderer.w * 0.15);
	else if (k === '0' || k === 'f')
		this.fit();
	else if (k === 'Escape') {
		this.clearSelection();
		this.redraw();
	} else
		return;
	e.preventDefault();
};

CT.App.prototype.showTab = function (name) {
	for (const b of document.querySelectorAll('#tabs button'))
		b.classList.toggle('active', b.dataset.tab === name);
	for (const p of document.querySelectorAll('#bottom .panel'))
		p.classList.toggle('hidden', p.id !== 'panel-' + name);
};

CT.boot = function () {
	const node = document.getElementById('ctrace-data');
	let data;
	try {
		data = JSON.parse(node.textContent);
	} catch (err) {
		document.body.textContent = 'ctrace: the embedded trace data is damaged: ' + err.message;
		return;
	}
	window.ctraceView = new CT.App(data);
};

CT.boot();
