/* fork_locks_held.c - forks while other threads hold locks that glibc does
 * not reset in the child: the child must run on as it does natively.
 *   unwinding: three threads take a mutex from call sites always new to
 *     them (1024 functions, random paths: the shim unwinds nearly every
 *     time, inside libunwind's mutex and the loader's write lock) while the
 *     main thread forks 150 children; each starts two threads that lock.
 *   loader: a thread of the program sits inside dl_iterate_phdr (the
 *     loader's write lock is its own) while the main thread forks; the
 *     child's two threads each unlock an error-checking mutex they do not
 *     hold (one finding, at their call site).
 * Prints {"forks": N, "children_ok": N}. */
#include <link.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t parent_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t child_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t *lock_used = &parent_lock;
static volatile int stop;

typedef void (*path_fn)(int depth, unsigned seed);
#define NPATH 1024
extern path_fn paths[NPATH];

#define PATH_FN(i)                                                              \
	__attribute__((noinline)) static void path##i(int depth, unsigned seed)    \
	{                                                                          \
		if (!depth) {                                                          \
			pthread_mutex_lock(lock_used);                                     \
			pthread_mutex_unlock(lock_used);                                   \
			return;                                                            \
		}                                                                      \
		paths[(seed * 2654435761u + i) % NPATH](depth - 1, seed * 1103515245u + 12345u); \
		__asm__ volatile("");                                                  \
	}
#define P4(i) PATH_FN(i##0) PATH_FN(i##1) PATH_FN(i##2) PATH_FN(i##3)
#define P16(i) P4(i##0) P4(i##1) P4(i##2) P4(i##3)
#define P64(i) P16(i##0) P16(i##1) P16(i##2) P16(i##3)
#define P256(i) P64(i##0) P64(i##1) P64(i##2) P64(i##3)
P256(10) P256(11) P256(12) P256(13)
#define R4(i) path##i##0, path##i##1, path##i##2, path##i##3
#define R16(i) R4(i##0), R4(i##1), R4(i##2), R4(i##3)
#define R64(i) R16(i##0), R16(i##1), R16(i##2), R16(i##3)
#define R256(i) R64(i##0), R64(i##1), R64(i##2), R64(i##3)
path_fn paths[NPATH] = { R256(10), R256(11), R256(12), R256(13) };

static void *unwinding_thread(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	while (!stop) {
		seed = seed * 69069u + 1;
		paths[seed % NPATH](6, seed);
	}
	return NULL;
}

static void *child_locker(void *arg)
{
	for (unsigned i = 0; i < 20; i++)
		paths[(i * 7 + (unsigned)(uintptr_t)arg) % NPATH](3, i);
	return NULL;
}

static pthread_mutex_t checked;

static void *child_misuser(void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)(pthread_mutex_unlock(&checked) == 0);  /* EPERM: not held */
}

static int child_run(void *(*fn)(void *))
{
	pthread_t t[2];
	int ok = 1;
	for (uintptr_t i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)i) != 0)
			return 1;
	for (int i = 0; i < 2; i++) {
		void *r;
		pthread_join(t[i], &r);
		ok &= fn != child_misuser || r == NULL;
	}
	return ok ? 0 : 1;
}

/* Forks once; the child runs FN in two threads. 1 if it exited 0. */
static int fork_child(void *(*fn)(void *))
{
	pid_t pid = fork();
	if (pid == 0) {
		lock_used = &child_lock;
		_exit(child_run(fn));
	}
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static sem_t inside, release;

static int sit_in_loader(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)info, (void)size, (void)data;
	sem_post(&inside);
	while (sem_wait(&release) != 0)
		;
	return 1;
}

static void *loader_thread(void *arg)
{
	dl_iterate_phdr(sit_in_loader, NULL);
	return arg;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "unwinding";
	int forks = 0, ok = 0;
	if (!strcmp(mode, "unwinding")) {
		pthread_t t[3];
		for (uintptr_t i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, unwinding_thread, (void *)i);
		for (; forks < 150; forks++)
			ok += fork_child(child_locker);
		stop = 1;
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
	} else {
		pthread_mutexattr_t a;
		pthread_mutexattr_init(&a);
		pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
		pthread_mutex_init(&checked, &a);
		sem_init(&inside, 0, 0);
		sem_init(&release, 0, 0);
		pthread_t t;
		pthread_create(&t, NULL, loader_thread, NULL);
		while (sem_wait(&inside) != 0)
			;
		ok += fork_child(child_misuser);
		forks++;
		sem_post(&release);
		pthread_join(t, NULL);
	}
	printf("{\"forks\": %d, \"children_ok\": %d}\n", forks, ok);
	return ok == forks ? 0 : 1;
}
