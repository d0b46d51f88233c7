// SPDX-License-Identifier: MIT
// omp_locks.c MODE - OpenMP locks as the analyses see them (mutexes), two
// threads of one parallel region:
//   inversion: each takes lock_a and lock_b in its own order, one after
//              the other (a barrier between): a potential deadlock only;
//   hang:      each takes its first lock, both meet at a barrier, then each
//              wants the other's: a real deadlock, caught while it hangs;
//   nest:      a nest lock taken twice by its owner, a test that fails on
//              a lock the other holds, a test that succeeds: nothing to say.
#include <omp.h>
#include <stdio.h>
#include <string.h>

static omp_lock_t lock_a, lock_b;
static omp_nest_lock_t nest;

__attribute__((noinline)) static void take_a_then_b(void)
{
	omp_set_lock(&lock_a);
	omp_set_lock(&lock_b);
	omp_unset_lock(&lock_b);
	omp_unset_lock(&lock_a);
}

__attribute__((noinline)) static void take_b_then_a(void)
{
	omp_set_lock(&lock_b);
	omp_set_lock(&lock_a);
	omp_unset_lock(&lock_a);
	omp_unset_lock(&lock_b);
}

__attribute__((noinline)) static void holds_a_wants_b(void)
{
	omp_set_lock(&lock_a);
#pragma omp barrier
	omp_set_lock(&lock_b);
}

__attribute__((noinline)) static void holds_b_wants_a(void)
{
	omp_set_lock(&lock_b);
#pragma omp barrier
	omp_set_lock(&lock_a);
}

__attribute__((noinline)) static int nest_use(int me)
{
	int got = 0;
	if (me == 0) {
		omp_set_nest_lock(&nest);
		omp_set_nest_lock(&nest);
		omp_set_lock(&lock_a);
	}
#pragma omp barrier
	if (me == 1)
		got += !omp_test_lock(&lock_a);   /* held by thread 0: fails */
#pragma omp barrier
	if (me == 0) {
		omp_unset_lock(&lock_a);
		omp_unset_nest_lock(&nest);
		omp_unset_nest_lock(&nest);
	}
#pragma omp barrier
	if (me == 1 && omp_test_lock(&lock_a)) {
		got++;
		omp_unset_lock(&lock_a);
	}
	return got;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "inversion";
	int sum = 0;
	omp_init_lock(&lock_a);
	omp_init_lock(&lock_b);
	omp_init_nest_lock(&nest);
#pragma omp parallel num_threads(2) reduction(+ : sum)
	{
		int me = omp_get_thread_num();
		if (!strcmp(mode, "hang")) {
			if (me == 0)
				holds_a_wants_b();
			else
				holds_b_wants_a();
		} else if (!strcmp(mode, "nest")) {
			sum += nest_use(me);
		} else {
			for (int turn = 0; turn < 2; turn++) {
				if (me == turn && me == 0)
					take_a_then_b();
				if (me == turn && me == 1)
					take_b_then_a();
#pragma omp barrier
			}
			sum += 1;
		}
	}
	omp_destroy_nest_lock(&nest);
	omp_destroy_lock(&lock_b);
	omp_destroy_lock(&lock_a);
	printf("%d\n", sum);
	return 0;
}
