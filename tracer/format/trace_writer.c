/* SPDX-License-Identifier: MIT */
/* trace_writer.c - chunk allocation, record encoding, the stack table.
 * Only syscalls and atomics here: this runs inside the traced program, from
 * any thread, at any time (constructors, signal handlers, after fork). */
#include "trace_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FIRST_CHUNK   (4u * TRACE_ALIGN)
#define MAX_CHUNK     (64u * TRACE_ALIGN)  /* resident while its thread writes it */
#define STACK_CHUNK   (16u * TRACE_ALIGN)
#define RETRY_AFTER   1024u   /* drops before retrying a failed allocation */
#define WINDOW        (16u * TRACE_ALIGN)  /* of a chunk, populated at a time */

static int (*read_clock)(clockid_t, struct timespec *) = clock_gettime;

void trace_writer_set_clock(int (*fn)(clockid_t, struct timespec *))
{
	read_clock = fn ? fn : clock_gettime;
}

uint64_t trace_mono_ns(void)
{
	struct timespec ts;
	read_clock(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct trace_calibration calibrate(const struct trace_writer *w)
{
	struct trace_calibration c;
	c.tick = trace_writer_tick(w);
	c.mono_ns = trace_mono_ns();
	return c;
}

/* Appends decimal v at p (no stdio: it may allocate). */
static char *put_dec(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

/* High, but not at a large limit: the kernel's table grows to the highest
 * number in use (libuv's tests depend on the numbers a program gets). */
int trace_writer_fd_out_of_the_way(int fd)
{
	long floor = TRACE_WRITER_FD_FLOOR;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur <= (rlim_t)floor + 8)
		floor = rl.rlim_cur > 16 ? (long)rl.rlim_cur - 8 : fd;
	if (fd < 0 || fd >= floor)
		return fd;
	/* by syscall: the preloaded shim's own fcntl and close are the
	 * program's, recorded */
	int high = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, (int)floor);
	if (high < 0)
		return fd;
	syscall(SYS_close, fd);
	return high;
}

/* fstat by the system call: a library the program preloads may interpose
 * on fstat and take its own locks there (libfaketime), and this runs inside
 * the shim. */
static int own_fstat(int fd, struct stat *st)
{
	return (int)syscall(SYS_fstat, fd, st);
}

/* Programs close every descriptor (daemons) or dup2 over ours: before
 * writing through it, make sure the fd is still our file, else reopen it by
 * path, so the program's own file is never touched. Returns the fd or -1. */
static int own_fd(struct trace_writer *w)
{
	int fd = atomic_load(&w->fd);
	struct stat st;
	if (fd >= 0 && own_fstat(fd, &st) == 0 && (uint64_t)st.st_dev == w->dev &&
	    (uint64_t)st.st_ino == w->ino)
		return fd;
	while (atomic_flag_test_and_set_explicit(&w->fd_lock, memory_order_acquire))
		sched_yield();
	int cur = atomic_load(&w->fd);
	if (cur == fd) {
		int nfd = trace_writer_fd_out_of_the_way(open(w->path, O_RDWR | O_CLOEXEC));
		if (nfd >= 0 && (own_fstat(nfd, &st) != 0 || (uint64_t)st.st_ino != w->ino)) {
			close(nfd);  /* the file was replaced: stop writing */
			nfd = -1;
		}
		atomic_store(&w->fd, nfd);  /* the old number is the program's now: not closed */
		cur = nfd;
	}
	atomic_flag_clear_explicit(&w->fd_lock, memory_order_release);
	return cur;
}

/* Writes zeros over [off, off + size): the file system reserves the space
 * now (a full disk fails here, not as SIGBUS on a later store), and the
 * pages are in the page cache already dirty, which makes writing them
 * through the mapping cheap (posix_fallocate's unwritten extents cost
 * about 2.6 us per page at the first store, on ext4). */
static bool reserve_space(int fd, uint64_t off, uint32_t size)
{
	/* 64 KiB of zeros to write from: an anonymous mapping never written,
	 * whose pages read as the kernel's one zero page (not resident here,
	 * unlike an array in our own file's pages); 4 KiB if none. */
	static _Atomic(const uint8_t *) zeros;
	static const uint8_t some_zeros[4096];
	const uint8_t *z = atomic_load_explicit(&zeros, memory_order_relaxed);
	if (!z) {
		void *p = mmap(NULL, 64 * 1024, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		const uint8_t *none = NULL;
		if (p != MAP_FAILED && !atomic_compare_exchange_strong(&zeros, &none, p))
			munmap(p, 64 * 1024);
		z = atomic_load(&zeros);
	}
	size_t zsize = z ? 64 * 1024 : sizeof some_zeros;
	if (!z)
		z = some_zeros;
	for (uint32_t done = 0; done < size;) {
		size_t n = size - done < zsize ? size - done : zsize;
		ssize_t k = pwrite(fd, z, n, (off_t)(off + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (uint32_t)k;
	}
	return true;
}

/* Maps every page of a chunk writable in one call rather than one fault
 * per page (Linux >= 5.14; older kernels say EINVAL and fault as before). */
static void populate(uint8_t *chunk, uint32_t size)
{
	if (size >= 16 * TRACE_ALIGN)
		madvise(chunk, size, MADV_POPULATE_WRITE);
}

/* Reserves SIZE bytes at the end of the file and maps them (not populated). */
static uint8_t *map_chunk(struct trace_writer *w, uint32_t size, uint64_t *off_out)
{
	int fd = own_fd(w);
	if (fd < 0)
		return NULL;
	uint64_t off = atomic_fetch_add(&w->file_end, size);
	if (!reserve_space(fd, off, size)) {
		/* Give the range back if nobody took one after it, so a full
		 * disk does not leave the file growing with holes. */
		uint64_t end = off + size;
		atomic_compare_exchange_strong(&w->file_end, &end, off);
		return NULL;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	if (p == MAP_FAILED)
		return NULL;
	if (off_out)
		*off_out = off;
	return p;
}

/* The magic goes last so a reader never sees a half-written header. */
static void write_chunk_header(struct trace_writer *w, uint8_t *chunk, uint16_t type,
			       uint32_t size, uint32_t thread, uint32_t seq, uint64_t base)
{
	struct trace_chunk_header *h = (struct trace_chunk_header *)chunk;
	h->version = TRACE_FORMAT_VERSION;
	h->type = type;
	h->size = size;
	h->thread = thread;
	h->seq = seq;
	h->pid = w->pid;
	h->cal = calibrate(w);
	h->base_tick = base;
	atomic_store_explicit((_Atomic uint32_t *)&h->magic, TRACE_CHUNK_MAGIC, memory_order_release);
}

_Static_assert(TRACE_WRITER_STACK_SLOTS_MIN << (TRACE_WRITER_STACK_LEVELS - 1) ==
	       TRACE_WRITER_STACK_SLOTS, "the stack table's sizes");

static size_t stack_table_bytes(uint32_t level)
{
	return ((size_t)TRACE_WRITER_STACK_SLOTS_MIN << level) * sizeof(struct trace_stack_slot);
}

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int open_file(struct trace_writer *w, const char *dir, uint32_t pid, uint32_t *gen)
{
	for (uint32_t g = 0; g < 10000; g++) {
		char *end = w->path + sizeof w->path - 32;
		char *p = put_str(w->path, end, dir);
		p = put_str(p, end, "/proc-");
		p = put_dec(p, pid);
		*p++ = '-';
		p = put_dec(p, g);
		p = put_str(p, w->path + sizeof w->path - 1, ".ctr");
		*p = 0;
		int fd = open(w->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			*gen = g;
			return trace_writer_fd_out_of_the_way(fd);
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static void fill_process_header(struct trace_writer *w, const struct trace_writer_config *cfg,
				uint32_t gen)
{
	struct trace_process_header *ph = w->hdr;
	ph->pid = cfg->pid;
	ph->ppid = cfg->ppid;
	ph->parent_pid = cfg->parent_pid;
	ph->parent_thread = cfg->parent_thread;
	ph->parent_fork_tick = cfg->parent_fork_tick;
	ph->exec_gen = gen;
	ph->clock = cfg->clock;
	ph->order_groups = TRACE_GROUPS;
	ph->stack_depth = cfg->stack_depth;
	struct timespec rt;
	read_clock(CLOCK_REALTIME, &rt);
	ph->start_realtime_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	if (cfg->exe) {
		size_t n = strnlen(cfg->exe, TRACE_PATH_MAX - 1);
		memcpy(ph->exe, cfg->exe, n);
	}
	if (cfg->argv) {
		uint32_t n = cfg->argv_len < TRACE_ARGV_MAX ? cfg->argv_len : TRACE_ARGV_MAX;
		memcpy(ph->argv, cfg->argv, n);
		ph->argv_len = n;
	}
	write_chunk_header(w, (uint8_t *)ph, TRACE_CHUNK_PROCESS, TRACE_ALIGN, 0, 0, 0);
}

int trace_writer_open(struct trace_writer *w, const struct trace_writer_config *cfg)
{
	memset(w, 0, sizeof *w);
	atomic_flag_clear(&w->stack_lock);
	w->clock = cfg->clock;
	w->pid = cfg->pid;
	w->stack_depth = cfg->stack_depth;
	atomic_store(&w->next_thread, 1);
	uint32_t gen = 0;
	int fd = open_file(w, cfg->dir, cfg->pid, &gen);
	if (fd < 0)
		return fd;
	struct stat st;
	own_fstat(fd, &st);
	w->dev = (uint64_t)st.st_dev;
	w->ino = (uint64_t)st.st_ino;
	atomic_store(&w->fd, fd);
	w->order = map_anon(TRACE_ORDER_BYTES);
	atomic_store(&w->order_next, 0);
	w->stack_tables[0] = map_anon(stack_table_bytes(0));
	w->hdr = (struct trace_process_header *)map_chunk(w, TRACE_ALIGN, NULL);
	if (!w->order || !w->stack_tables[0] || !w->hdr) {
		int e = -(errno ? errno : ENOMEM);
		trace_writer_abandon(w);
		return e;
	}
	fill_process_header(w, cfg, gen);
	return 0;
}

void trace_writer_set_exit(struct trace_writer *w, uint32_t flag, int value)
{
	struct trace_process_header *ph = w->hdr;
	if (!ph)
		return;
	if (flag == TRACE_EXIT_STATUS)
		ph->exit_status = value;
	else if (flag == TRACE_EXIT_SIGNAL)
		ph->exit_signal = value;
	ph->exit_cal = calibrate(w);
	atomic_fetch_or((_Atomic uint32_t *)&ph->exit_flags, flag | TRACE_EXIT_CAL);
}

void trace_writer_clear_exit(struct trace_writer *w, uint32_t flag)
{
	if (w->hdr)
		atomic_fetch_and((_Atomic uint32_t *)&w->hdr->exit_flags, ~flag);
}

void trace_writer_abandon(struct trace_writer *w)
{
	if (w->hdr)
		munmap(w->hdr, TRACE_ALIGN);
	if (w->stack_chunk)
		munmap(w->stack_chunk, STACK_CHUNK);
	if (w->order)
		munmap(w->order, TRACE_ORDER_BYTES);
	for (uint32_t l = 0; l < TRACE_WRITER_STACK_LEVELS; l++) {
		if (w->stack_tables[l])
			munmap(w->stack_tables[l], stack_table_bytes(l));
		w->stack_tables[l] = NULL;
	}
	atomic_store(&w->stack_level, 0);
	int fd = atomic_load(&w->fd);
	struct stat st;
	if (fd >= 0 && own_fstat(fd, &st) == 0 && (uint64_t)st.st_ino == w->ino &&
	    (uint64_t)st.st_dev == w->dev)
		close(fd);  /* only if it is still ours */
	w->hdr = NULL;
	w->stack_chunk = NULL;
	w->order = NULL;
	w->fd = -1;
}

uint32_t trace_writer_new_thread(struct trace_writer *w)
{
	uint32_t idx = atomic_fetch_add(&w->next_thread, 1);
	_Atomic uint32_t *count = (_Atomic uint32_t *)&w->hdr->threads;
	uint32_t cur = atomic_load(count);
	while (cur < idx + 1 && !atomic_compare_exchange_weak(count, &cur, idx + 1))
		;
	return idx;
}

/* ---- order groups ---- */

#define ORDER_PROBES 32u

/* The index of the private groups, after the groups in their mapping:
 * TRACE_ORDER_INDEX slots, each 1 + a group or 0 (free). */
static _Atomic uint32_t *order_index(const struct trace_writer *w)
{
	return (_Atomic uint32_t *)(w->order + TRACE_GROUPS);
}

uint32_t trace_writer_group(struct trace_writer *w, uint64_t key)
{
	const uint32_t mask = TRACE_ORDER_INDEX - 1;
	for (uint32_t i = 0; key && i < ORDER_PROBES; i++) {  /* key 0 shares */
		_Atomic uint32_t *slot = &order_index(w)[(uint32_t)((key >> 2) + i) & mask];
		uint32_t v = atomic_load_explicit(slot, memory_order_acquire);
		if (!v) {
			/* a new group, its key set before the slot names it */
			uint32_t g = atomic_fetch_add_explicit(&w->order_next, 1, memory_order_relaxed);
			if (g >= TRACE_GROUPS_PRIVATE)
				break;
			atomic_store_explicit(&w->order[g].key, key, memory_order_relaxed);
			if (atomic_compare_exchange_strong_explicit(slot, &v, g + 1, memory_order_release,
								    memory_order_acquire))
				return g;
			/* another thread took the slot (g is never used): whose? */
		}
		if (atomic_load_explicit(&w->order[v - 1].key, memory_order_relaxed) == key)
			return v - 1;
	}
	/* the neighbourhood is taken: a shared group, always stamped atomically */
	uint64_t h = (key >> 3) * 0x9E3779B97F4A7C15ull;
	return TRACE_GROUPS_PRIVATE + (uint32_t)(h >> 52) % TRACE_GROUPS_SHARED;
}

/* ---- stacks ---- */

static uint64_t hash_stack(const uint64_t *pc, uint32_t depth)
{
	uint64_t h = 0xcbf29ce484222325ull ^ depth;
	for (uint32_t i = 0; i < depth; i++) {
		h ^= pc[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h | 1;  /* 0 marks an empty slot */
}

static void stack_lock(struct trace_writer *w)
{
	unsigned spins = 0;
	while (atomic_flag_test_and_set_explicit(&w->stack_lock, memory_order_acquire))
		if (++spins % 64 == 0)
			sched_yield();
}

/* Appends an entry of KIND with WORDS u64 words to the stack arena; under
 * stack_lock. Its id is the next of *NEXT_ID, written last. Returns it, or 0. */
static uint32_t store_entry(struct trace_writer *w, uint16_t kind, const void *words,
			    uint32_t nwords, uint32_t *next_id)
{
	size_t need = sizeof(struct trace_stack_entry) + nwords * sizeof(uint64_t);
	if (!w->stack_chunk || w->stack_pos + need > w->stack_end) {
		if (w->stack_chunk)
			munmap(w->stack_chunk, STACK_CHUNK);
		w->stack_chunk = map_chunk(w, STACK_CHUNK, NULL);
		if (!w->stack_chunk)
			return 0;
		populate(w->stack_chunk, STACK_CHUNK);
		write_chunk_header(w, w->stack_chunk, TRACE_CHUNK_STACKS, STACK_CHUNK, 0,
				   w->stack_chunk_seq++, 0);
		w->stack_pos = w->stack_chunk + sizeof(struct trace_chunk_header);
		w->stack_end = w->stack_chunk + STACK_CHUNK;
	}
	struct trace_stack_entry *e = (struct trace_stack_entry *)w->stack_pos;
	uint32_t id = ++*next_id;
	e->depth = (uint16_t)nwords;
	e->kind = kind;
	memcpy(e->pc, words, nwords * sizeof(uint64_t));
	atomic_store_explicit((_Atomic uint32_t *)&e->id, id, memory_order_release);
	w->stack_pos += need;
	return id;
}

static uint32_t store_stack(struct trace_writer *w, const uint64_t *pc, uint32_t depth)
{
	return store_entry(w, TRACE_ENTRY_STACK, pc, depth, &w->stack_next_id);
}

uint32_t trace_writer_add_pycode(struct trace_writer *w, uint32_t firstlineno,
				 const char *filename, size_t filename_len,
				 const char *qualname, size_t qualname_len)
{
	if (filename_len > TRACE_PYCODE_FILENAME_MAX)
		filename = filename + filename_len - TRACE_PYCODE_FILENAME_MAX,
		filename_len = TRACE_PYCODE_FILENAME_MAX;  /* the end says more */
	if (qualname_len > TRACE_PYCODE_QUALNAME_MAX)
		qualname_len = TRACE_PYCODE_QUALNAME_MAX;
	uint64_t words[(sizeof(struct trace_pycode_entry) + TRACE_PYCODE_FILENAME_MAX +
			TRACE_PYCODE_QUALNAME_MAX + 7) / 8] = { 0 };
	struct trace_pycode_entry *c = (struct trace_pycode_entry *)words;
	c->firstlineno = firstlineno;
	c->filename_len = (uint16_t)filename_len;
	c->qualname_len = (uint16_t)qualname_len;
	memcpy(c->text, filename, filename_len);
	memcpy(c->text + filename_len, qualname, qualname_len);
	uint32_t nwords = (uint32_t)(sizeof *c + filename_len + qualname_len + 7) / 8;
	stack_lock(w);
	uint32_t id = store_entry(w, TRACE_ENTRY_PYCODE, words, nwords, &w->pycode_next_id);
	atomic_flag_clear_explicit(&w->stack_lock, memory_order_release);
	return id;
}

/* Up to 3/4 full, linear probing finds a slot within 2-3 probes on
 * average, but a few of 100000 stacks need more than 64. */
#define STACK_PROBES 256u

/* Where the search for hash H starts: bits of all of it (its low bit is
 * always 1), and the same low ones at every size, so that an entry of the
 * table at slot i goes to slot i or i + n of the table twice its size. */
static inline uint32_t stack_home(uint64_t h)
{
	return (uint32_t)((h * 0x9E3779B97F4A7C15ull) >> 40);
}

/* The slot of hash H in the current table: the one that holds it, or the
 * empty one where it goes (*V says which: H or 0); NULL if neither is
 * within STACK_PROBES of its place. */
static struct trace_stack_slot *stack_probe(struct trace_writer *w, uint64_t h, uint64_t *v)
{
	uint32_t level = atomic_load_explicit(&w->stack_level, memory_order_acquire);
	struct trace_stack_slot *table = w->stack_tables[level];
	const uint32_t mask = (TRACE_WRITER_STACK_SLOTS_MIN << level) - 1;
	for (uint32_t i = 0; i < STACK_PROBES; i++) {
		struct trace_stack_slot *s = &table[(stack_home(h) + i) & mask];
		*v = atomic_load_explicit(&s->hash, memory_order_acquire);
		if (*v == h || *v == 0)
			return s;
	}
	return NULL;
}

/* Under stack_lock: the table moves to twice its size. The old one is
 * read in order and given back as it goes (its entries land in the same
 * order in the new one), so the two together never hold much more than
 * the new one does. A reader still probing the old table finds zeros
 * there: a miss, which it checks again under the lock. False if it is as
 * large as it gets (or no memory). */
static bool stack_grow(struct trace_writer *w)
{
	uint32_t level = atomic_load_explicit(&w->stack_level, memory_order_relaxed);
	if (level + 1 >= TRACE_WRITER_STACK_LEVELS)
		return false;
	struct trace_stack_slot *old = w->stack_tables[level];
	struct trace_stack_slot *new = map_anon(stack_table_bytes(level + 1));
	if (!new)
		return false;
	const uint32_t n = TRACE_WRITER_STACK_SLOTS_MIN << level, mask = 2 * n - 1;
	const uint32_t step = n < 4096 ? n : 4096;  /* 64 KiB */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t h = atomic_load_explicit(&old[i].hash, memory_order_relaxed);
		for (uint32_t j = 0; h && j < STACK_PROBES; j++) {
			struct trace_stack_slot *s = &new[(stack_home(h) + j) & mask];
			if (!atomic_load_explicit(&s->hash, memory_order_relaxed)) {
				/* (not placed: its stack gets a new id if seen again) */
				s->id = old[i].id;
				atomic_store_explicit(&s->hash, h, memory_order_relaxed);
				break;
			}
		}
		if ((i + 1) % step == 0)
			madvise(&old[i + 1 - step], step * sizeof *old, MADV_DONTNEED);
	}
	w->stack_tables[level + 1] = new;
	atomic_store_explicit(&w->stack_level, level + 1, memory_order_release);
	return true;
}

uint32_t trace_writer_intern_stack(struct trace_writer *w, const uint64_t *pc, uint32_t depth)
{
	if (depth == 0)
		return 0;
	if (depth > TRACE_ENTRY_WORDS_MAX)
		depth = TRACE_ENTRY_WORDS_MAX;
	uint64_t h = hash_stack(pc, depth), v;
	struct trace_stack_slot *s = stack_probe(w, h, &v);
	if (s && v == h) {
		uint32_t id = s->id;
		if (id)  /* else an old table, given back since */
			return id;
	}
	stack_lock(w);
	uint32_t id = 0;
	for (;;) {
		s = stack_probe(w, h, &v);
		if (s && v == h) {
			id = s->id;
			break;
		}
		/* a new stack: the table grows past 3/4 full, or when its place
		 * is too far */
		uint32_t level = atomic_load_explicit(&w->stack_level, memory_order_relaxed);
		uint64_t slots = (uint64_t)TRACE_WRITER_STACK_SLOTS_MIN << level;
		if ((!s || 4 * ((uint64_t)w->stack_next_id + 1) > 3 * slots) && stack_grow(w))
			continue;
		if (s)
			id = store_stack(w, pc, depth);
		if (id) {
			s->id = id;
			atomic_store_explicit(&s->hash, h, memory_order_release);
		} else {
			atomic_fetch_add((_Atomic uint64_t *)&w->hdr->stacks_dropped, 1);
		}
		break;
	}
	atomic_flag_clear_explicit(&w->stack_lock, memory_order_release);
	return id;
}

/* ---- streams ---- */

static void clear_slots(struct trace_stream *s)
{
	for (unsigned i = 0; i < TRACE_SLOTS; i++)
		s->slot_key[i] = UINT64_MAX;
}

void trace_stream_init(struct trace_stream *s, struct trace_writer *w, uint32_t thread)
{
	memset(s, 0, sizeof *s);
	s->w = w;
	s->thread = thread;
	s->next_size = FIRST_CHUNK;
	clear_slots(s);
}

static void count_drop(struct trace_stream *s)
{
	s->dropped++;
	if (s->w->hdr)
		atomic_fetch_add((_Atomic uint64_t *)&s->w->hdr->dropped, 1);
}

void trace_stream_count_drop(struct trace_stream *s)
{
	count_drop(s);
}

/* The thread leaves its chunk: where its records end goes in the header,
 * so a reader can tell an end of records from damage (a zeroed page). */
static void seal_chunk(uint8_t *chunk, const uint8_t *pos, enum trace_seal how)
{
	struct trace_chunk_header *h = (struct trace_chunk_header *)chunk;
	h->sealed_how = (uint8_t)how;
	atomic_store_explicit((_Atomic uint32_t *)&h->records_end, (uint32_t)(pos - chunk),
			      memory_order_release);
}

/* The old chunk is sealed once its successor is headed (or cannot be had:
 * the events are then dropped, and counted), so a kill in between leaves
 * it unsealed rather than saying the thread went on in a chunk that
 * never was. */
static int next_chunk(struct trace_stream *s, uint64_t tick)
{
	uint8_t *old = s->chunk, *old_pos = s->pos, *c = NULL;
	uint32_t old_size = s->chunk_size;
	if (s->retry_in)
		s->retry_in--;
	else if (!(c = map_chunk(s->w, s->next_size, &s->chunk_off)))
		s->retry_in = RETRY_AFTER;
	if (c)
		write_chunk_header(s->w, c, TRACE_CHUNK_EVENTS, s->next_size, s->thread,
				   s->chunk_seq++, tick);
	if (old) {
		seal_chunk(old, old_pos, TRACE_SEAL_NEXT);
		munmap(old, old_size);
	}
	/* Its first WINDOW only (make_room goes on), and not before: the two
	 * chunks would be resident together. */
	uint32_t window = s->next_size < WINDOW ? s->next_size : WINDOW;
	if (c)
		populate(c, window);
	s->chunk = c;
	s->pos = s->limit = NULL;
	if (!c)
		return -1;
	s->chunk_size = s->next_size;
	s->pos = c + sizeof(struct trace_chunk_header);
	s->limit = c + window - TRACE_RECORD_MAX;
	s->last_tick = tick;
	if (s->next_size < MAX_CHUNK)
		s->next_size *= 2;
	clear_slots(s);
	return 0;
}

/* Makes the record at s->pos visible: the op byte goes last, so a reader
 * (live, or after a kill) sees either nothing or the whole record. */
static void publish(struct trace_stream *s, uint8_t op, uint8_t *end)
{
	atomic_store_explicit((_Atomic uint8_t *)s->pos, op, memory_order_release);
	s->pos = end;
}

static uint32_t slot_for(struct trace_stream *s, uint64_t key, uint32_t avoid)
{
	uint32_t h = trace_slot_of(key);
	if (s->slot_key[h] == key)
		return h;
	if (s->slot_key[h ^ 1] == key)
		return h ^ 1;
	uint32_t slot = h == avoid ? h ^ 1 : h;
	uint32_t group = trace_writer_group(s->w, key);
	uint8_t *p = s->pos + 1;
	*p++ = (uint8_t)slot;
	p = trace_put_var(p, key);
	p = trace_put_var(p, group);
	publish(s, TRACE_OP_OBJ_DEF, p);
	s->slot_key[slot] = key;
	s->slot_seq[slot] = 0;
	s->slot_group[slot] = group;
	return slot;
}

static void write_dropped(struct trace_stream *s, uint64_t tick)
{
	uint8_t *p = s->pos + 1;
	p = trace_put_var(p, trace_zigzag((int64_t)(tick - s->last_tick)));
	s->last_tick = tick;
	p = trace_put_var(p, s->dropped);
	publish(s, TRACE_OP_DROPPED, p);
	s->dropped = 0;
}

/* Encodes REC at s->pos (everything but the op byte). With RESULT_AT, the
 * result goes in as a fixed two-byte varint placeholder whose address is
 * returned there, to be filled once the call returns. Returns the end. */
static uint8_t *encode(struct trace_stream *s, const struct trace_rec *rec, uint8_t **result_at)
{
	const struct trace_op_desc *d = trace_op_desc(rec->op);
	bool begin = rec->op & TRACE_OP_BEGIN;
	uint32_t slot = TRACE_SLOTS, slot2 = TRACE_SLOTS;
	if (d->flags & TRACE_F_OBJ)
		slot = slot_for(s, rec->key, TRACE_SLOTS);
	if (d->flags & TRACE_F_OBJ2)
		slot2 = slot_for(s, rec->key2, slot);
	uint8_t *p = s->pos + 1;
	p = trace_put_var(p, trace_zigzag((int64_t)(rec->tick - s->last_tick)));
	s->last_tick = rec->tick;
	if (d->flags & TRACE_F_CALL)
		p = trace_put_var(p, rec->stack);
	if (d->flags & TRACE_F_OBJ) {
		*p++ = (uint8_t)slot;
		p = trace_put_var(p, trace_seq_field(rec->seq, s->slot_seq[slot]));
		if (rec->seq)
			s->slot_seq[slot] = rec->seq;
	}
	if (d->flags & TRACE_F_OBJ2)
		*p++ = (uint8_t)slot2;
	if ((d->flags & TRACE_F_CALL) && !begin) {
		if (result_at) {
			*result_at = p;
			p += 2;
		} else {
			p = trace_put_var(p, trace_zigzag(rec->result));
		}
	}
	unsigned nargs = begin ? d->nargs_begin : d->nargs;
	for (unsigned i = 0; i < nargs; i++)
		p = trace_put_var(p, rec->args[i]);
	if (d->flags & TRACE_F_STR) {
		size_t n = rec->str ? strnlen(rec->str, TRACE_STR_MAX) : 0;
		*p++ = (uint8_t)n;
		memcpy(p, rec->str ? rec->str : "", n);
		p += n;
	}
	return p;
}

/* Room for one more record (and the DROPPED record owed before it). A
 * large chunk is populated a WINDOW at a time, s->limit at the end of the
 * one populated: the pages of a chunk that the thread has not reached are
 * not resident. While a reservation is open
 * its chunk must stay mapped: a record that would need a new chunk then is
 * dropped (counted; TRACE_RESERVE_SLACK makes that rare). */
static int make_room(struct trace_stream *s, uint64_t tick)
{
	if (!s->chunk || s->pos > s->limit) {
		uint8_t *populated = s->chunk ? s->limit + TRACE_RECORD_MAX : NULL;
		if (populated && populated < s->chunk + s->chunk_size) {
			populate(populated, WINDOW);
			s->limit = populated + WINDOW - TRACE_RECORD_MAX;
		} else if (s->reserved || next_chunk(s, tick) < 0) {
			count_drop(s);
			return -1;
		}
	}
	if (s->dropped)
		write_dropped(s, tick);
	return 0;
}

/* What the owner buffered goes first, at the tick of the record that ends it. */
static void pay_owed(struct trace_stream *s, uint64_t tick)
{
	if (__builtin_expect(s->owed, 0)) {
		s->owed = false;
		if (s->before_record)
			s->before_record(s, tick);
	}
}

uint8_t *trace_stream_begin_record(struct trace_stream *s, uint64_t tick)
{
	if (make_room(s, tick) < 0)
		return NULL;
	return trace_put_var(s->pos + 1, trace_zigzag((int64_t)(tick - s->last_tick)));
}

void trace_stream_publish(struct trace_stream *s, uint8_t op, uint8_t *end, uint64_t tick)
{
	s->last_tick = tick;
	publish(s, op, end);
}

int trace_stream_write(struct trace_stream *s, const struct trace_rec *rec)
{
	pay_owed(s, rec->tick);
	if (make_room(s, rec->tick) < 0)
		return -1;
	publish(s, rec->op, encode(s, rec, NULL));
	return 0;
}

int trace_stream_reserve(struct trace_stream *s, const struct trace_rec *rec,
			 struct trace_reservation *res)
{
	res->start = NULL;
	pay_owed(s, rec->tick);
	if (!trace_stream_reserve_fits(s))
		next_chunk(s, rec->tick);   /* on failure make_room tries again, or counts the drop */
	if (make_room(s, rec->tick) < 0)
		return -1;
	res->op = rec->op;
	uint8_t *end = encode(s, rec, &res->result_at);  /* may publish OBJ_DEFs first */
	res->start = s->pos;  /* its op byte stays 0: readers stop here until commit */
	s->pos = end;
	s->reserved++;
	return 0;
}


void trace_stream_close(struct trace_stream *s)
{
	pay_owed(s, s->last_tick);
	if (!s->chunk)
		return;
	if (!s->reserved)  /* else the records end at the reservation */
		seal_chunk(s->chunk, s->pos, TRACE_SEAL_CLOSE);
	/* Punch whole unused pages: blocks back to the disk, zeros to readers.
	 * The page of the zero byte that ends the records stays: readers look
	 * at it, and reading a hole may need a page (tmpfs when full). */
	uint32_t used = (uint32_t)(s->pos - s->chunk) + 1;
	uint32_t keep = (used + TRACE_ALIGN - 1) & ~(TRACE_ALIGN - 1);
	if (keep < s->chunk_size)
		fallocate(own_fd(s->w), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)(s->chunk_off + keep), s->chunk_size - keep);
	trace_stream_abandon(s);
}

void trace_stream_abandon(struct trace_stream *s)
{
	uint8_t *chunk = s->chunk;
	s->chunk = NULL;
	s->pos = s->limit = NULL;
	if (chunk)
		munmap(chunk, s->chunk_size);
}
