/* SPDX-License-Identifier: MIT */
/* intercept_process.c - main's start, fork, the exec family, posix_spawn,
 * exit, _exit, abort, dlopen, dlclose. Records are already in the page cache, so nothing needs
 * flushing before an exec or an exit; what matters is handing our
 * environment on, so the new image is traced into the same directory even
 * if the program built its own environment. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "real.h"
#include "tsan_thread.h"

#define ENV_MAX 4096

/* ---- main ---- */

static int (*program_main)(int, char **, char **);

static void record_exit(uintptr_t pc0, uintptr_t sp, unsigned op, int status)
{
	struct shim_call c;
	if (!shim_enter(&c, pc0, sp) || !shim_is_own_process())
		return;
	shim_emit(&c, op, 0, 0, 0, (uint64_t)(int64_t)status, 0, 0, 0);
	if (op == TRACE_OP__EXIT)   /* no exit handlers: the end is now */
		tsan_publish_all();
	trace_writer_set_exit(&shim.writer, TRACE_EXIT_STATUS, status);
}

/* Calls the program's main with this frame as the main thread's stack
 * root (stack.h) until main returns or the thread is unwound
 * (pthread_exit); exit handlers then run on frames that replace it.
 * Returning from main is exit(status), which libc calls from inside
 * itself, past our exit(): the exit is recorded here. */
static int main_trampoline(int argc, char **argv, char **envp)
{
	struct shim_thread *t = shim_thread_self();
	if (t)
		shim_stack_set_root(t, (uintptr_t)__builtin_frame_address(0));
	int r;
	pthread_cleanup_push(shim_stack_root_unwound, t);
	r = program_main(argc, argv, envp);
	pthread_cleanup_pop(1);
	record_exit(SHIM_SITE(), TRACE_OP_PROC_EXIT, r);
	return r;
}

/* The program's _start calls this with its main. */
SHIM_EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
				  void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
				  void *stack_end)
{
	if (shim_real_resolve() < 0 || !shim_real.libc_start_main)
		abort();  /* cannot happen: libc defines it */
	program_main = main;
	return shim_real.libc_start_main(main_trampoline, argc, argv, init, fini, rtld_fini,
					 stack_end);
}

extern char **environ;

static bool env_has(char *const envp[], const char *entry)
{
	size_t n = strchr(entry, '=') - entry + 1;
	for (size_t i = 0; envp && envp[i]; i++)
		if (!strncmp(envp[i], entry, n))
			return true;
	return false;
}

/* An exec's environment: ours added to the program's. */
struct exec_env {
	char *v[ENV_MAX];
	char preload[sizeof(shim.env_preload) + 4096];   /* LD_PRELOAD=shim:theirs */
};

/* The shim's own path: the first of LD_PRELOAD's entries ctrace run set. */
static size_t shim_path(const char **path)
{
	*path = shim.env_preload + sizeof("LD_PRELOAD=") - 1;
	return strcspn(*path, ": ");
}

/* Whether LD_PRELOAD's VALUE lists the shim among its entries. */
static bool preloads_shim(const char *value)
{
	const char *self;
	size_t n = shim_path(&self);
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ": ");
		if (len == n && !strncmp(p, self, n))
			return true;
		p += len;
		p += *p != 0;
	}
	return false;
}

/* envp with our variables added where missing, in OUT. A program's own
 * LD_PRELOAD (`env LD_PRELOAD=libjemalloc.so.2 pigz`) gets the shim put
 * first, else the child would go untraced. Returns envp itself when
 * nothing is missing or it is too large. */
static char *const *env_for_exec(char *const envp[], struct exec_env *out)
{
	const char *ours[] = { shim.env_preload, shim.env_dir, shim.env_depth, shim.env_pylayout };
	const size_t nours = sizeof ours / sizeof ours[0];
	size_t n = 0;
	while (envp && envp[n])
		n++;
	if (n + nours + 1 > ENV_MAX || atomic_load(&shim.state) != SHIM_ACTIVE)
		return envp;
	size_t m = 0;
	bool changed = false;
	for (size_t i = 0; i < n; i++) {
		out->v[m] = envp[i];
		const char *value = !strncmp(envp[i], "LD_PRELOAD=", 11) ? envp[i] + 11 : NULL;
		if (value && shim.env_preload[0] && !preloads_shim(value)) {
			/* by hand: a vfork child may exec (no stdio there) */
			const char *self;
			size_t len = shim_path(&self), rest = strlen(value);
			if (11 + len + 1 + rest < sizeof out->preload) {
				char *q = out->preload;
				memcpy(q, "LD_PRELOAD=", 11);
				memcpy(q + 11, self, len);
				q[11 + len] = ':';
				memcpy(q + 12 + len, value, rest + 1);
				if (!rest)
					q[11 + len] = 0;
				out->v[m] = out->preload;
				changed = true;
			}
		}
		m++;
	}
	for (size_t i = 0; i < nours; i++)
		if (ours[i][0] && !env_has(envp, ours[i]))
			out->v[m++] = (char *)ours[i];
	out->v[m] = NULL;
	return m == n && !changed ? envp : out->v;
}

/* Records the exec attempt when this is our own process (not a vfork
 * child borrowing the parent's memory). */
static bool exec_begin(struct shim_call *c, uintptr_t pc0, uintptr_t sp, const char *path)
{
	if (!shim_enter(c, pc0, sp) || !shim_is_own_process())
		return false;
	shim_emit(c, TRACE_OP_EXEC | TRACE_OP_BEGIN, 0, 0, 0, 0, 0, 0, path);
	tsan_publish_all();   /* the other threads end with the image */
	trace_writer_set_exit(&shim.writer, TRACE_EXIT_EXEC, 0);
	return true;
}

static int exec_failed(struct shim_call *c, bool recorded, const char *path)
{
	int e = errno;
	if (recorded) {
		trace_writer_clear_exit(&shim.writer, TRACE_EXIT_EXEC);
		shim_emit(c, TRACE_OP_EXEC, 0, 0, e, 0, 0, 0, path);
	}
	errno = e;
	return -1;
}

SHIM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	struct shim_call c;
	struct exec_env env;
	bool rec = exec_begin(&c, SHIM_SITE(), path);
	shim_real.execve(path, argv, env_for_exec(envp, &env));
	return exec_failed(&c, rec, path);
}

SHIM_EXPORT int execv(const char *path, char *const argv[])
{
	struct shim_call c;
	struct exec_env env;
	bool rec = exec_begin(&c, SHIM_SITE(), path);
	shim_real.execve(path, argv, env_for_exec(environ, &env));
	return exec_failed(&c, rec, path);
}

SHIM_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	struct shim_call c;
	struct exec_env env;
	bool rec = exec_begin(&c, SHIM_SITE(), file);
	shim_real.execvpe(file, argv, env_for_exec(envp, &env));
	return exec_failed(&c, rec, file);
}

SHIM_EXPORT int execvp(const char *file, char *const argv[])
{
	struct shim_call c;
	struct exec_env env;
	bool rec = exec_begin(&c, SHIM_SITE(), file);
	shim_real.execvpe(file, argv, env_for_exec(environ, &env));
	return exec_failed(&c, rec, file);
}

SHIM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	struct shim_call c;
	struct exec_env env;
	bool rec = exec_begin(&c, SHIM_SITE(), "(fd)");
	shim_real.fexecve(fd, argv, env_for_exec(envp, &env));
	return exec_failed(&c, rec, "(fd)");
}

/* execl* take their arguments inline: gather them, then go through the
 * wrappers above. */
static size_t collect_args(const char *arg0, va_list ap, char **argv, char ***envp)
{
	size_t n = 0;
	argv[n++] = (char *)arg0;
	while (arg0 && n < ENV_MAX - 1 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	argv[n] = NULL;
	if (envp)
		*envp = va_arg(ap, char **);
	return n;
}

SHIM_EXPORT int execl(const char *path, const char *arg, ...)
{
	char *argv[ENV_MAX];
	va_list ap;
	va_start(ap, arg);
	collect_args(arg, ap, argv, NULL);
	va_end(ap);
	return execv(path, argv);
}

SHIM_EXPORT int execlp(const char *file, const char *arg, ...)
{
	char *argv[ENV_MAX];
	va_list ap;
	va_start(ap, arg);
	collect_args(arg, ap, argv, NULL);
	va_end(ap);
	return execvp(file, argv);
}

SHIM_EXPORT int execle(const char *path, const char *arg, ...)
{
	char *argv[ENV_MAX], **envp;
	va_list ap;
	va_start(ap, arg);
	collect_args(arg, ap, argv, &envp);
	va_end(ap);
	return execve(path, argv, envp);
}

static int spawn_record(struct shim_call *c, bool rec, const char *path, pid_t *pid, int r)
{
	if (rec)
		shim_emit(c, TRACE_OP_POSIX_SPAWN, 0, 0, r, r == 0 && pid ? (uint64_t)*pid : 0, 0, 0, path);
	return r;
}

SHIM_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
			    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	struct shim_call c;
	struct exec_env env;
	bool rec = shim_enter(&c, SHIM_SITE());
	int r = shim_real.posix_spawn(pid, path, fa, attr, argv, env_for_exec(envp, &env));
	return spawn_record(&c, rec, path, pid, r);
}

SHIM_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			     const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	struct shim_call c;
	struct exec_env env;
	bool rec = shim_enter(&c, SHIM_SITE());
	int r = shim_real.posix_spawnp(pid, file, fa, attr, argv, env_for_exec(envp, &env));
	return spawn_record(&c, rec, file, pid, r);
}

SHIM_EXPORT pid_t fork(void)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()) || !shim_is_own_process())
		return shim_real.fork();
	/* The request is recorded by our prepare handler, after the program's. */
	pid_t pid = shim_real.fork();  /* the child side is set up by our atfork handler */
	if (pid != 0)
		shim_emit(&c, TRACE_OP_FORK, 0, 0, pid < 0 ? errno : 0, pid < 0 ? 0 : (uint64_t)pid, 0, 0, 0);
	return pid;
}

SHIM_EXPORT void exit(int status)
{
	record_exit(SHIM_SITE(), TRACE_OP_PROC_EXIT, status);
	shim_real.exit(status);
}

SHIM_EXPORT void _exit(int status)
{
	record_exit(SHIM_SITE(), TRACE_OP__EXIT, status);
	shim_real._exit(status);
}

SHIM_EXPORT void _Exit(int status)
{
	record_exit(SHIM_SITE(), TRACE_OP__EXIT, status);
	shim_real._Exit(status);
}

SHIM_EXPORT void abort(void)
{
	struct shim_call c;
	if (shim_enter(&c, SHIM_SITE()) && shim_is_own_process())
		shim_end(&c, TRACE_OP_ABORT, NULL, 0);
	shim_real.abort();
}

SHIM_EXPORT void *dlopen(const char *file, int mode)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.dlopen(file, mode);
	c.t->in_dlopen++;
	void *h = shim_real.dlopen(file, mode);
	c.t->in_dlopen--;
	uint32_t snapshot = h ? shim_maps_snapshot() : 0;
	shim_emit(&c, TRACE_OP_DLOPEN, 0, 0, h ? 0 : ENOENT, snapshot, 0, 0, file ? file : "");
	if (h)
		shim_py_detect(c.t);  /* an embedding program may load libpython now */
	return h;
}

/* Not recorded: the unloading runs the library's destructors with the
 * loader's lock held, so what they call is recorded without unwinding, as
 * in dlopen. */
SHIM_EXPORT int dlclose(void *handle)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.dlclose(handle);
	c.t->in_dlopen++;
	int r = shim_real.dlclose(handle);
	c.t->in_dlopen--;
	return r;
}
