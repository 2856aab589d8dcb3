/* SPDX-License-Identifier: MIT */
/* lgbench.c — lglaunch benchmarks (not a test), for each backend the machine has (the
 * emulator always, KVM where /dev/kvm opens):
 *  (a) launch overhead: "lglaunch --accel B GUEST now" (a guest that shuts down at once)
 *      against minemu or minkvm (the smallest program doing the same on that backend),
 *      interleaved in the same run; medians and their ratio (goal <= 1.5x);
 *  (a2) the whole sample guest, boot to shutdown with block, rng and console;
 *  (b) block throughput through the rings with 64 KiB and 1 MiB reads (the sample guest's
 *      blkbench=SIZE,COUNT), in MB/s and requests/s beside the host reading the same file
 *      with pread in the same run, and the launcher's own host-side time per request
 *      (lglaunch --verbose: ring walk + I/O + used entry, and how much of it is the file I/O;
 *      goal <= 10 us).
 * usage: lgbench LGLAUNCH GUEST32 GUEST64 MINKVM MINEMU [RUNS]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run argv with stdout to /dev/null and stderr to errfile (or /dev/null); seconds taken. */
static double run(char *const argv[], const char *errfile, int *status)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errfile ? errfile : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	double t0 = now();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		perror(argv[0]);
		exit(2);
	}
	int st;
	waitpid(pid, &st, 0);
	double t = now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return t;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* From lglaunch --verbose: "... X us host time per request (Y us of it in file I/O)". */
static int host_us_per_req(const char *errfile, double *us, double *io_us)
{
	FILE *f = fopen(errfile, "r");
	char line[512];
	int found = 0;
	while (f && fgets(line, sizeof line, f)) {
		char *p = strstr(line, " bytes, ");
		if (p && strstr(p, " us host time per request (") &&
		    sscanf(p, " bytes, %lf us host time per request (%lf", us, io_us) == 2)
			found = 1;
	}
	if (f)
		fclose(f);
	return found;
}

/* One backend, every figure against a baseline measured in the same run. */
static int bench_backend(const char *accel, char *lgl, char *g32, char *g64, char *mini,
			 int runs, char *blockopt, int fd, size_t disk_size, char *chunk,
			 char *errf)
{
	double *tm = calloc((size_t)runs, sizeof *tm), *t32 = calloc((size_t)runs, sizeof *t32),
	       *t64 = calloc((size_t)runs, sizeof *t64);
	int st;
	char s_now[] = "now", s_verbose[] = "--verbose", s_accel[] = "--accel", s_rng[] = "--rng";
	char acc[16];
	snprintf(acc, sizeof acc, "%s", accel);
	const char *mname = strrchr(mini, '/') ? strrchr(mini, '/') + 1 : mini;
	printf("\n== backend %s ==\n", accel);

	/* (a) launch overhead, interleaved so both see the same machine. */
	char *a_mk[] = {mini, NULL};
	char *a32[] = {lgl, s_accel, acc, g32, s_now, NULL};
	char *a64[] = {lgl, s_accel, acc, g64, s_now, NULL};
	for (int i = 0; i < runs; i++) {
		tm[i] = run(a_mk, NULL, &st);
		if (st) {
			fprintf(stderr, "lgbench: %s exit %d\n", mname, st);
			return 1;
		}
		t32[i] = run(a32, NULL, &st);
		if (st) {
			fprintf(stderr, "lgbench: lglaunch --accel %s (32-bit) exit %d\n", accel, st);
			return 1;
		}
		t64[i] = run(a64, NULL, &st);
		if (st) {
			fprintf(stderr, "lgbench: lglaunch --accel %s (64-bit) exit %d\n", accel, st);
			return 1;
		}
	}
	double mm = median(tm, runs), m32 = median(t32, runs), m64 = median(t64, runs);
	printf("launch overhead, median of %d (fork+exec+machine+first exit+teardown):\n", runs);
	printf("  %-22s %8.3f ms\n", mname, mm * 1e3);
	printf("  lglaunch guest32 now   %8.3f ms   ratio %.2fx (goal <= 1.5x)\n", m32 * 1e3, m32 / mm);
	printf("  lglaunch guest64 now   %8.3f ms   ratio %.2fx (goal <= 1.5x)\n", m64 * 1e3, m64 / mm);

	/* (b) the whole sample guest, boot to shutdown (block, rng and console in use). */
	char *af[] = {lgl, s_accel, acc, blockopt, s_rng, g64, NULL};
	for (int i = 0; i < runs; i++) {
		tm[i] = run(af, NULL, &st);
		if (st) {
			fprintf(stderr, "lgbench: full boot exit %d\n", st);
			return 1;
		}
	}
	double mf = median(tm, runs);
	printf("full sample-guest boot to shutdown (64-bit, block+rng+console), median of %d:\n",
	       runs);
	printf("  lglaunch --block --rng guest64   %8.3f ms   %.2fx its own 'now' launch\n",
	       mf * 1e3, mf / m64);

	/* (c) block throughput. */
	printf("block reads through the rings (64 MiB file in the page cache, 64-bit guest):\n");
	printf("  %-8s %9s %11s %11s %10s %11s %11s %12s\n", "request", "requests", "guest MB/s",
	       "guest req/s", "host MB/s", "host req/s", "lgl us/req", "of it I/O");
	char *base[] = {lgl, s_accel, acc, blockopt, g64, s_now, NULL};
	double tb[9];
	for (int i = 0; i < 9; i++)
		tb[i] = run(base, NULL, &st);
	double boot = median(tb, 9);
	static const size_t sizes[] = {64u << 10, 1u << 20};
	for (int k = 0; k < 2; k++) {
		size_t sz = sizes[k];
		unsigned count = (unsigned)((256u << 20) / sz); /* 256 MiB per measurement */
		char arg[64];
		snprintf(arg, sizeof arg, "blkbench=%zu,%u", sz, count);
		char *ab[] = {lgl, s_accel, acc, s_verbose, blockopt, g64, arg, NULL};
		double t = run(ab, errf, &st) - boot;
		if (st) {
			fprintf(stderr, "lgbench: lglaunch %s exit %d\n", arg, st);
			return 1;
		}
		double us = -1, io_us = -1;
		if (!host_us_per_req(errf, &us, &io_us))
			fprintf(stderr, "lgbench: no host time in lglaunch --verbose output\n");
		/* The host reading the same file, same request size and count. */
		double h0 = now();
		for (unsigned i = 0; i < count; i++)
			if (pread(fd, chunk, sz, (off_t)((i * sz) % disk_size)) != (ssize_t)sz) {
				perror("pread");
				return 2;
			}
		double h = now() - h0;
		double mb = (double)sz * count / 1e6;
		printf("  %-8s %9u %11.1f %11.0f %10.1f %11.0f %11.2f %12.2f\n",
		       sz == (64u << 10) ? "64 KiB" : "1 MiB", count, mb / t, count / t, mb / h,
		       count / h, us, io_us);
	}
	free(tm);
	free(t32);
	free(t64);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: lgbench LGLAUNCH GUEST32 GUEST64 MINKVM MINEMU [RUNS]\n");
		return 2;
	}
	char *lgl = argv[1], *g32 = argv[2], *g64 = argv[3], *mk = argv[4], *me = argv[5];
	int runs = argc > 6 ? atoi(argv[6]) : 30;
	if (runs < 1 || runs > 10000)
		runs = 30;
	char disk[] = "/tmp/lgbench-disk.XXXXXX", errf[] = "/tmp/lgbench-err.XXXXXX";
	int fd = mkstemp(disk), efd = mkstemp(errf);
	if (fd < 0 || efd < 0) {
		perror("mkstemp");
		return 2;
	}
	close(efd);
	const size_t disk_size = 64u << 20;
	char *chunk = malloc(1 << 20);
	for (size_t i = 0; i < (1u << 20); i++)
		chunk[i] = (char)(i * 131 + 7);
	for (size_t o = 0; o < disk_size; o += 1 << 20)
		if (pwrite(fd, chunk, 1 << 20, (off_t)o) != 1 << 20) {
			perror("pwrite");
			return 2;
		}
	fsync(fd);
	char blockopt[64];
	snprintf(blockopt, sizeof blockopt, "--block=%s", disk);
	int rc = bench_backend("emu", lgl, g32, g64, me, runs, blockopt, fd, disk_size, chunk, errf);
	if (rc == 0) {
		if (access("/dev/kvm", R_OK | W_OK) == 0)
			rc = bench_backend("kvm", lgl, g32, g64, mk, runs, blockopt, fd, disk_size,
					   chunk, errf);
		else
			printf("\n== backend kvm: not measured (no usable /dev/kvm here) ==\n");
	}
	unlink(disk);
	unlink(errf);
	free(chunk);
	return rc;
}
