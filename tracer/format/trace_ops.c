/* SPDX-License-Identifier: MIT */
/* trace_ops.c - the per-op schema table of trace_format.h: each op's name
 * (as counted in `ctrace info`'s by_kind), object kind and record fields. */
#include "trace_format.h"

#define CALL TRACE_F_CALL
#define OBJ TRACE_F_OBJ
#define OBJ2 TRACE_F_OBJ2
#define STR TRACE_F_STR
#define BLK TRACE_F_BLOCKING

const struct trace_op_desc trace_op_descs[TRACE_OP_COUNT] = {
	/* meta records */
	[TRACE_OP_OBJ_DEF]        = { "obj_def", TRACE_OBJ_NONE, 0, 0, 0 },
	[TRACE_OP_DROPPED]        = { "dropped", TRACE_OBJ_NONE, 0, 1, 0 },
	[TRACE_OP_THREAD_START]   = { "thread_start", TRACE_OBJ_SPAWN, OBJ | STR, 3, 0 },
	[TRACE_OP_THREAD_END]     = { "thread_end", TRACE_OBJ_THREAD, OBJ, 1, 0 },
	[TRACE_OP_COND_RELEASE]   = { "cond_release", TRACE_OBJ_MUTEX, OBJ | OBJ2, 0, 0 },
	[TRACE_OP_COND_REACQUIRE] = { "cond_reacquire", TRACE_OBJ_MUTEX, OBJ | OBJ2, 0, 0 },
	[TRACE_OP_SIGNAL]         = { "signal", TRACE_OBJ_NONE, CALL, 1, 0 },
	[TRACE_OP_MAPS]           = { "maps", TRACE_OBJ_NONE, 0, 1, 0 },
	[TRACE_OP_THREAD_ATTR]    = { "thread_attr", TRACE_OBJ_NONE, 0, 1, 0 },
	[TRACE_OP_OBJ_ROLE]       = { "obj_role", TRACE_OBJ_NONE, OBJ | STR, 1, 0 },
	[TRACE_OP_THREAD_NAME]    = { "thread_name", TRACE_OBJ_NONE, STR, 0, 0 },
	[TRACE_OP_RUNTIME]        = { "runtime", TRACE_OBJ_NONE, STR, 3, 0 },
	[TRACE_OP_THREAD_STACK]   = { "thread_stack", TRACE_OBJ_NONE, 0, 2, 0 },
	[TRACE_OP_THREAD_ROOT]    = { "thread_root", TRACE_OBJ_NONE, 0, 3, 0 },
	[TRACE_OP_FREED]          = { "free", TRACE_OBJ_NONE, CALL, 3, 0 },

	/* threads */
	[TRACE_OP_CREATE]       = { "create", TRACE_OBJ_SPAWN, CALL | OBJ | BLK, 2, 1 },
	[TRACE_OP_JOIN]         = { "join", TRACE_OBJ_THREAD, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_TRYJOIN_NP]   = { "tryjoin_np", TRACE_OBJ_THREAD, CALL | OBJ, 0, 0 },
	[TRACE_OP_TIMEDJOIN_NP] = { "timedjoin_np", TRACE_OBJ_THREAD, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_CLOCKJOIN_NP] = { "clockjoin_np", TRACE_OBJ_THREAD, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_DETACH]       = { "detach", TRACE_OBJ_THREAD, CALL | OBJ, 0, 0 },
	[TRACE_OP_EXIT]         = { "exit", TRACE_OBJ_NONE, CALL, 0, 0 },
	[TRACE_OP_CANCEL]       = { "cancel", TRACE_OBJ_THREAD, CALL | OBJ, 0, 0 },
	[TRACE_OP_SETNAME_NP]   = { "setname_np", TRACE_OBJ_THREAD, CALL | OBJ | STR, 0, 0 },
	[TRACE_OP_ONCE]         = { "once", TRACE_OBJ_ONCE, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_THRD_CREATE]  = { "thrd_create", TRACE_OBJ_SPAWN, CALL | OBJ | BLK, 2, 1 },
	[TRACE_OP_THRD_JOIN]    = { "thrd_join", TRACE_OBJ_THREAD, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_THRD_DETACH]  = { "thrd_detach", TRACE_OBJ_THREAD, CALL | OBJ, 0, 0 },
	[TRACE_OP_THRD_EXIT]    = { "thrd_exit", TRACE_OBJ_NONE, CALL, 0, 0 },
	[TRACE_OP_CALL_ONCE]    = { "call_once", TRACE_OBJ_ONCE, CALL | OBJ | BLK, 0, 0 },

	/* mutexes */
	[TRACE_OP_MUTEX_INIT]       = { "mutex_init", TRACE_OBJ_MUTEX, CALL | OBJ, 1, 0 },
	[TRACE_OP_MUTEX_DESTROY]    = { "mutex_destroy", TRACE_OBJ_MUTEX, CALL | OBJ, 0, 0 },
	[TRACE_OP_MUTEX_LOCK]       = { "mutex_lock", TRACE_OBJ_MUTEX, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_MUTEX_TRYLOCK]    = { "mutex_trylock", TRACE_OBJ_MUTEX, CALL | OBJ, 0, 0 },
	[TRACE_OP_MUTEX_TIMEDLOCK]  = { "mutex_timedlock", TRACE_OBJ_MUTEX, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_MUTEX_CLOCKLOCK]  = { "mutex_clocklock", TRACE_OBJ_MUTEX, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_MUTEX_UNLOCK]     = { "mutex_unlock", TRACE_OBJ_MUTEX, CALL | OBJ, 0, 0 },
	[TRACE_OP_MUTEX_CONSISTENT] = { "mutex_consistent", TRACE_OBJ_MUTEX, CALL | OBJ, 0, 0 },
	[TRACE_OP_MTX_INIT]         = { "mtx_init", TRACE_OBJ_MUTEX, CALL | OBJ, 1, 0 },
	[TRACE_OP_MTX_DESTROY]      = { "mtx_destroy", TRACE_OBJ_MUTEX, CALL | OBJ, 0, 0 },
	[TRACE_OP_MTX_LOCK]         = { "mtx_lock", TRACE_OBJ_MUTEX, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_MTX_TRYLOCK]      = { "mtx_trylock", TRACE_OBJ_MUTEX, CALL | OBJ, 0, 0 },
	[TRACE_OP_MTX_TIMEDLOCK]    = { "mtx_timedlock", TRACE_OBJ_MUTEX, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_MTX_UNLOCK]       = { "mtx_unlock", TRACE_OBJ_MUTEX, CALL | OBJ, 0, 0 },

	/* rwlocks */
	[TRACE_OP_RWLOCK_INIT]        = { "rwlock_init", TRACE_OBJ_RWLOCK, CALL | OBJ, 1, 0 },
	[TRACE_OP_RWLOCK_DESTROY]     = { "rwlock_destroy", TRACE_OBJ_RWLOCK, CALL | OBJ, 0, 0 },
	[TRACE_OP_RWLOCK_RDLOCK]      = { "rwlock_rdlock", TRACE_OBJ_RWLOCK, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_RWLOCK_TRYRDLOCK]   = { "rwlock_tryrdlock", TRACE_OBJ_RWLOCK, CALL | OBJ, 0, 0 },
	[TRACE_OP_RWLOCK_TIMEDRDLOCK] = { "rwlock_timedrdlock", TRACE_OBJ_RWLOCK, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_RWLOCK_CLOCKRDLOCK] = { "rwlock_clockrdlock", TRACE_OBJ_RWLOCK, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_RWLOCK_WRLOCK]      = { "rwlock_wrlock", TRACE_OBJ_RWLOCK, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_RWLOCK_TRYWRLOCK]   = { "rwlock_trywrlock", TRACE_OBJ_RWLOCK, CALL | OBJ, 0, 0 },
	[TRACE_OP_RWLOCK_TIMEDWRLOCK] = { "rwlock_timedwrlock", TRACE_OBJ_RWLOCK, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_RWLOCK_CLOCKWRLOCK] = { "rwlock_clockwrlock", TRACE_OBJ_RWLOCK, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_RWLOCK_UNLOCK]      = { "rwlock_unlock", TRACE_OBJ_RWLOCK, CALL | OBJ, 0, 0 },

	/* spinlocks */
	[TRACE_OP_SPIN_INIT]    = { "spin_init", TRACE_OBJ_SPINLOCK, CALL | OBJ, 1, 0 },
	[TRACE_OP_SPIN_DESTROY] = { "spin_destroy", TRACE_OBJ_SPINLOCK, CALL | OBJ, 0, 0 },
	[TRACE_OP_SPIN_LOCK]    = { "spin_lock", TRACE_OBJ_SPINLOCK, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_SPIN_TRYLOCK] = { "spin_trylock", TRACE_OBJ_SPINLOCK, CALL | OBJ, 0, 0 },
	[TRACE_OP_SPIN_UNLOCK]  = { "spin_unlock", TRACE_OBJ_SPINLOCK, CALL | OBJ, 0, 0 },

	/* condition variables: obj is the cond, slot2 the mutex */
	[TRACE_OP_COND_INIT]      = { "cond_init", TRACE_OBJ_COND, CALL | OBJ, 1, 0 },
	[TRACE_OP_COND_DESTROY]   = { "cond_destroy", TRACE_OBJ_COND, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_COND_WAIT]      = { "cond_wait", TRACE_OBJ_COND, CALL | OBJ | OBJ2 | BLK, 0, 0 },
	[TRACE_OP_COND_TIMEDWAIT] = { "cond_timedwait", TRACE_OBJ_COND, CALL | OBJ | OBJ2 | BLK, 0, 0 },
	[TRACE_OP_COND_CLOCKWAIT] = { "cond_clockwait", TRACE_OBJ_COND, CALL | OBJ | OBJ2 | BLK, 0, 0 },
	[TRACE_OP_COND_SIGNAL]    = { "cond_signal", TRACE_OBJ_COND, CALL | OBJ, 0, 0 },
	[TRACE_OP_COND_BROADCAST] = { "cond_broadcast", TRACE_OBJ_COND, CALL | OBJ, 0, 0 },
	[TRACE_OP_CND_INIT]       = { "cnd_init", TRACE_OBJ_COND, CALL | OBJ, 1, 0 },
	[TRACE_OP_CND_DESTROY]    = { "cnd_destroy", TRACE_OBJ_COND, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_CND_WAIT]       = { "cnd_wait", TRACE_OBJ_COND, CALL | OBJ | OBJ2 | BLK, 0, 0 },
	[TRACE_OP_CND_TIMEDWAIT]  = { "cnd_timedwait", TRACE_OBJ_COND, CALL | OBJ | OBJ2 | BLK, 0, 0 },
	[TRACE_OP_CND_SIGNAL]     = { "cnd_signal", TRACE_OBJ_COND, CALL | OBJ, 0, 0 },
	[TRACE_OP_CND_BROADCAST]  = { "cnd_broadcast", TRACE_OBJ_COND, CALL | OBJ, 0, 0 },

	/* semaphores: SEM_OPEN's obj is the returned sem_t (0 on failure) */
	[TRACE_OP_SEM_INIT]      = { "sem_init", TRACE_OBJ_SEM, CALL | OBJ, 2, 0 },
	[TRACE_OP_SEM_DESTROY]   = { "sem_destroy", TRACE_OBJ_SEM, CALL | OBJ, 0, 0 },
	[TRACE_OP_SEM_OPEN]      = { "sem_open", TRACE_OBJ_SEM, CALL | OBJ | STR, 2, 0 },
	[TRACE_OP_SEM_CLOSE]     = { "sem_close", TRACE_OBJ_SEM, CALL | OBJ, 0, 0 },
	[TRACE_OP_SEM_UNLINK]    = { "sem_unlink", TRACE_OBJ_NONE, CALL | STR, 0, 0 },
	[TRACE_OP_SEM_WAIT]      = { "sem_wait", TRACE_OBJ_SEM, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_SEM_TRYWAIT]   = { "sem_trywait", TRACE_OBJ_SEM, CALL | OBJ, 1, 0 },
	[TRACE_OP_SEM_TIMEDWAIT] = { "sem_timedwait", TRACE_OBJ_SEM, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_SEM_CLOCKWAIT] = { "sem_clockwait", TRACE_OBJ_SEM, CALL | OBJ | BLK, 0, 0 },
	[TRACE_OP_SEM_POST]      = { "sem_post", TRACE_OBJ_SEM, CALL | OBJ, 0, 0 },

	/* barriers: BARRIER_WAIT arg 1 = this thread got the serial result */
	[TRACE_OP_BARRIER_INIT]    = { "barrier_init", TRACE_OBJ_BARRIER, CALL | OBJ, 1, 0 },
	[TRACE_OP_BARRIER_DESTROY] = { "barrier_destroy", TRACE_OBJ_BARRIER, CALL | OBJ, 0, 0 },
	[TRACE_OP_BARRIER_WAIT]    = { "barrier_wait", TRACE_OBJ_BARRIER, CALL | OBJ | BLK, 1, 0 },

	/* message queues: obj = TRACE_KEY_MQ_FLAG | hash(name); args start with the fd */
	[TRACE_OP_MQ_OPEN]         = { "mq_open", TRACE_OBJ_MQ, CALL | OBJ | STR, 2, 0 },
	[TRACE_OP_MQ_CLOSE]        = { "mq_close", TRACE_OBJ_MQ, CALL | OBJ, 1, 0 },
	[TRACE_OP_MQ_UNLINK]       = { "mq_unlink", TRACE_OBJ_MQ, CALL | OBJ | STR, 0, 0 },
	[TRACE_OP_MQ_SEND]         = { "mq_send", TRACE_OBJ_MQ, CALL | OBJ | BLK, 3, 3 },
	[TRACE_OP_MQ_TIMEDSEND]    = { "mq_timedsend", TRACE_OBJ_MQ, CALL | OBJ | BLK, 3, 3 },
	[TRACE_OP_MQ_RECEIVE]      = { "mq_receive", TRACE_OBJ_MQ, CALL | OBJ | BLK, 3, 1 },
	[TRACE_OP_MQ_TIMEDRECEIVE] = { "mq_timedreceive", TRACE_OBJ_MQ, CALL | OBJ | BLK, 3, 1 },
	[TRACE_OP_MQ_NOTIFY]       = { "mq_notify", TRACE_OBJ_MQ, CALL | OBJ, 1, 0 },

	/* processes */
	[TRACE_OP_FORK]        = { "fork", TRACE_OBJ_NONE, CALL | BLK, 1, 0 },
	[TRACE_OP_EXEC]        = { "exec", TRACE_OBJ_NONE, CALL | STR | BLK, 0, 0 },
	[TRACE_OP_PROC_EXIT]   = { "proc_exit", TRACE_OBJ_NONE, CALL, 1, 0 },
	[TRACE_OP__EXIT]       = { "_exit", TRACE_OBJ_NONE, CALL, 1, 0 },
	[TRACE_OP_ABORT]       = { "abort", TRACE_OBJ_NONE, CALL, 0, 0 },
	[TRACE_OP_DLOPEN]      = { "dlopen", TRACE_OBJ_NONE, CALL | STR, 1, 0 },
	[TRACE_OP_ACCESSES] = { "accesses", TRACE_OBJ_NONE, 0, 0, 0 },
	[TRACE_OP_ACCESS]   = { "access", TRACE_OBJ_NONE, CALL, 3, 0 },
	[TRACE_OP_ATOMIC]   = { "atomic", TRACE_OBJ_ATOMIC, CALL | OBJ, 3, 0 },
	[TRACE_OP_FENCE]    = { "fence", TRACE_OBJ_NONE, CALL, 1, 0 },
	[TRACE_OP_ALLOC]    = { "alloc", TRACE_OBJ_NONE, CALL, 3, 0 },
	[TRACE_OP_ANNOTATE] = { "annotate", TRACE_OBJ_NONE, CALL | STR, 3, 0 },
	[TRACE_OP_POSIX_SPAWN] = { "posix_spawn", TRACE_OBJ_NONE, CALL | STR, 1, 0 },
};
