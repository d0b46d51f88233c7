// SPDX-License-Identifier: MIT
// glib_sync.c MODE - GLib's GMutex and GCond, which GLib builds on its own
// futexes (not on pthreads), under ctrace:
//   inversion  two threads, one after the other, take mutexes a and b in
//              opposite orders: a lock-order inversion, no hang
//   deadlock   the same at once, each waiting for the other's first lock:
//              a real deadlock (ctrace ends the program)
//   queue      a producer hands 1000 items to a consumer through a one-slot
//              buffer under a GMutex, with g_cond_wait and g_cond_wait_until
//              (a deadline far away): correct, no finding (and no race when
//              built with ctrace cc)
//   race       the same, and both threads set a flag before their first
//              lock, unordered whatever the interleaving: a data race on
//              it (ctrace cc), the queue's own data still ordered
#include <glib.h>
#include <stdio.h>
#include <string.h>

static GMutex a, b, lock;
static GCond nonempty, nonfull;
static gint arrived;
static gboolean at_once;
static int slot, full, produced, racy;
int flag;   /* not static: stored where written, not sunk past GLib's calls */

static void rendezvous(void)
{
	if (!at_once)
		return;
	g_atomic_int_inc(&arrived);
	while (g_atomic_int_get(&arrived) < 2)
		g_usleep(1000);
}

static gpointer a_then_b(gpointer arg)
{
	g_mutex_lock(&a);
	rendezvous();
	g_mutex_lock(&b);
	g_mutex_unlock(&b);
	g_mutex_unlock(&a);
	return arg;
}

static gpointer b_then_a(gpointer arg)
{
	g_mutex_lock(&b);
	rendezvous();
	g_mutex_lock(&a);
	g_mutex_unlock(&a);
	g_mutex_unlock(&b);
	return arg;
}

static gpointer producer(gpointer arg)
{
	if (racy)
		flag = 1;
	for (int i = 1; i <= 1000; i++) {
		g_mutex_lock(&lock);
		while (full)
			g_cond_wait(&nonfull, &lock);
		slot = i;
		full = 1;
		produced++;
		g_cond_signal(&nonempty);
		g_mutex_unlock(&lock);
	}
	return arg;
}

static long consume(void)
{
	long sum = 0;
	if (racy)
		flag = 2;
	for (int i = 1; i <= 1000; i++) {
		g_mutex_lock(&lock);
		while (!full)
			g_cond_wait_until(&nonempty, &lock, g_get_monotonic_time() + 60 * G_TIME_SPAN_SECOND);
		sum += slot;
		full = 0;
		g_cond_broadcast(&nonfull);
		g_mutex_unlock(&lock);
	}
	return sum;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "inversion") || !strcmp(mode, "deadlock")) {
		at_once = !strcmp(mode, "deadlock");
		GThread *x = g_thread_new("a_then_b", a_then_b, NULL);
		if (!at_once)
			g_thread_join(x);
		GThread *y = g_thread_new("b_then_a", b_then_a, NULL);
		if (at_once)
			g_thread_join(x);
		g_thread_join(y);
		printf("{\"done\": 1}\n");
		return 0;
	}
	if (strcmp(mode, "queue") && strcmp(mode, "race"))
		return 2;
	racy = !strcmp(mode, "race");
	g_mutex_init(&lock);
	g_cond_init(&nonempty);
	g_cond_init(&nonfull);
	GThread *p = g_thread_new("producer", producer, NULL);
	long sum = consume();
	g_thread_join(p);
	g_cond_clear(&nonfull);
	g_cond_clear(&nonempty);
	g_mutex_clear(&lock);
	printf("{\"counter\": %ld, \"expect\": %d, \"produced\": %d}\n", sum, 1000 * 1001 / 2, produced);
	return 0;
}
