/* SPDX-License-Identifier: MIT */
/* gen_input.c - the compression benchmarks' input: SIZE bytes of log-like
 * text, the same bytes on every machine (a fixed vocabulary and a fixed
 * PRNG), compressible about 3-5x but not trivially. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "was", "on",
	"be", "by", "this", "are", "or", "from", "at", "which", "but", "not", "have", "an",
	"thread", "mutex", "lock", "unlock", "wait", "signal", "queue", "buffer", "worker",
	"request", "response", "connection", "server", "client", "timeout", "retry", "error",
	"warning", "started", "finished", "processed", "received", "sent", "bytes", "records",
	"database", "transaction", "commit", "rollback", "index", "table", "column", "value",
	"memory", "allocation", "free", "cache", "miss", "hit", "latency", "throughput",
	"scheduler", "task", "job", "batch", "stream", "file", "directory", "path", "open",
	"close", "read", "write", "flush", "sync", "checksum", "compress", "decompress",
	"network", "packet", "socket", "address", "port", "session", "user", "account",
	"configuration", "option", "parameter", "default", "enabled", "disabled", "version",
	"module", "function", "library", "kernel", "process", "event", "trace", "stack",
};

#define NWORDS (sizeof words / sizeof words[0])

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng_next(void)  /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* Zipf-like: small indices far more often, as in real text. */
static const char *pick_word(void)
{
	uint64_t r = rng_next();
	uint64_t a = r % NWORDS, b = (r >> 20) % NWORDS;
	return words[a < b ? a : b];
}

static int line_format(char *buf, size_t size, uint64_t n)
{
	static const char *const level[] = { "INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR" };
	int len = snprintf(buf, size, "2024-%02u-%02u %02u:%02u:%02u.%06u %s worker-%u id=%08llx",
			   (unsigned)(n / 2000000 % 12 + 1), (unsigned)(n / 70000 % 28 + 1),
			   (unsigned)(n / 3000 % 24), (unsigned)(n / 50 % 60), (unsigned)(n % 60),
			   (unsigned)(rng_next() % 1000000), level[rng_next() % 6],
			   (unsigned)(rng_next() % 32), (unsigned long long)(rng_next() & 0xffffffffu));
	int nw = 4 + (int)(rng_next() % 12);
	for (int i = 0; i < nw && len < (int)size - 32; i++)
		len += snprintf(buf + len, size - (size_t)len, " %s", pick_word());
	len += snprintf(buf + len, size - (size_t)len, " %llu\n",
			(unsigned long long)(rng_next() % 100000));
	return len;
}

int main(int argc, char **argv)
{
	char line[512];
	char *end;
	if (argc != 2) {
		fprintf(stderr, "usage: gen_input SIZE_BYTES > FILE\n");
		return 2;
	}
	unsigned long long size = strtoull(argv[1], &end, 10), written = 0;
	if (*end || !size) {
		fprintf(stderr, "gen_input: bad size %s\n", argv[1]);
		return 2;
	}
	for (uint64_t n = 0; written < size; n++) {
		int len = line_format(line, sizeof line, n);
		if ((unsigned long long)len > size - written)
			len = (int)(size - written);
		if (fwrite(line, 1, (size_t)len, stdout) != (size_t)len)
			break;
		written += (unsigned long long)len;
	}
	if (fflush(stdout) || written < size) {
		perror("gen_input");
		return 1;
	}
	return 0;
}
