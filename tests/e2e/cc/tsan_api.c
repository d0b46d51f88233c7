/* SPDX-License-Identifier: MIT */
/* tsan_api.c - code written for TSan, built with `ctrace cc`: a custom
 * lock annotated through <sanitizer/tsan_interface.h> (as abseil's Mutex
 * does), the dynamic annotations libtsan defines, external objects and
 * a stack trace on request (on stderr). It must link and run. */
#include <pthread.h>
#include <sanitizer/tsan_interface.h>
#include <stdio.h>

void AnnotateHappensBefore(const char *f, int l, const volatile void *addr);
void AnnotateHappensAfter(const char *f, int l, const volatile void *addr);
void AnnotateBenignRaceSized(const char *f, int l, const volatile void *mem, size_t size,
			     const char *desc);

static int spin, shared;

static void lock(void)
{
	__tsan_mutex_pre_lock(&spin, 0);
	while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE))
		;
	__tsan_mutex_post_lock(&spin, 0, 0);
}

static void unlock(void)
{
	__tsan_mutex_pre_unlock(&spin, 0);
	__atomic_store_n(&spin, 0, __ATOMIC_RELEASE);
	__tsan_mutex_post_unlock(&spin, 0);
}

static void *work(void *arg)
{
	for (int i = 0; i < 10000; i++) {
		lock();
		shared++;
		unlock();
	}
	AnnotateHappensBefore(__FILE__, __LINE__, arg);
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	__tsan_mutex_create(&spin, 0);
	AnnotateBenignRaceSized(__FILE__, __LINE__, &shared, sizeof shared, "none really");
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, work, &t[i]);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		AnnotateHappensAfter(__FILE__, __LINE__, &t[i]);
	}
	__tsan_mutex_destroy(&spin, 0);
	__tsan_release(&shared);
	__tsan_acquire(&shared);
	void *tag = __tsan_external_register_tag("Counter");
	__tsan_external_write(&shared, __builtin_return_address(0), tag);
	__tsan_external_read(&shared, __builtin_return_address(0), tag);
	__sanitizer_set_report_path("/dev/null");
	__sanitizer_print_stack_trace();
	printf("shared %d\n", shared);
	return shared != 20000;
}
