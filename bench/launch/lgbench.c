/* lgbench.c — lglaunch benchmarks (not a test):
 *  (a) launch overhead: "lglaunch GUEST now" (a guest that shuts down at once) against
 *      minkvm (the smallest KVM program doing the same), interleaved in the same run;
 *      medians and their ratio (goal <= 1.5x);
 *  (b) block throughput through the rings with 64 KiB and 1 MiB reads (the sample guest's
 *      blkbench=SIZE,COUNT), in MB/s and requests/s beside the host reading the same file
 *      with pread in the same run, and the launcher's own host-side time per request
 *      (lglaunch --verbose: ring walk + I/O + used entry, and how much of it is the file I/O;
 *      goal <= 10 us).
 * usage: lgbench LGLAUNCH GUEST32 GUEST64 MINKVM [RUNS]
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

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: lgbench LGLAUNCH GUEST32 GUEST64 MINKVM [RUNS]\n");
		return 2;
	}
	char *lgl = argv[1], *g32 = argv[2], *g64 = argv[3], *mk = argv[4];
	int runs = argc > 5 ? atoi(argv[5]) : 30;
	if (runs < 1 || runs > 10000)
		runs = 30;
	double *tm = calloc((size_t)runs, sizeof *tm), *t32 = calloc((size_t)runs, sizeof *t32),
	       *t64 = calloc((size_t)runs, sizeof *t64);
	int st;

	/* (a) launch overhead, interleaved so both see the same machine. */
	char s_now[] = "now", s_verbose[] = "--verbose";
	char *a_mk[] = {mk, NULL};
	char *a32[] = {lgl, g32, s_now, NULL};
	char *a64[] = {lgl, g64, s_now, NULL};
	for (int i = 0; i < runs; i++) {
		tm[i] = run(a_mk, NULL, &st);
		if (st) {
			fprintf(stderr, "lgbench: minkvm exit %d\n", st);
			return 1;
		}
		t32[i] = run(a32, NULL, &st);
		if (st) {
			fprintf(stderr, "lgbench: lglaunch (32-bit) exit %d\n", st);
			return 1;
		}
		t64[i] = run(a64, NULL, &st);
		if (st) {
			fprintf(stderr, "lgbench: lglaunch (64-bit) exit %d\n", st);
			return 1;
		}
	}
	double mm = median(tm, runs), m32 = median(t32, runs), m64 = median(t64, runs);
	printf("launch overhead, median of %d (fork+exec+VM+first exit+teardown):\n", runs);
	printf("  minkvm                 %8.3f ms\n", mm * 1e3);
	printf("  lglaunch guest32 now   %8.3f ms   ratio %.2fx\n", m32 * 1e3, m32 / mm);
	printf("  lglaunch guest64 now   %8.3f ms   ratio %.2fx\n", m64 * 1e3, m64 / mm);

	/* (b) block throughput. */
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
	printf("\nblock reads through the rings (64 MiB file in the page cache, 64-bit guest):\n");
	printf("  %-8s %9s %11s %11s %10s %11s %11s %12s\n", "request", "requests", "guest MB/s",
	       "guest req/s", "host MB/s", "host req/s", "lgl us/req", "of it I/O");
	char *base[] = {lgl, blockopt, g64, s_now, NULL};
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
		char *ab[] = {lgl, s_verbose, blockopt, g64, arg, NULL};
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
	unlink(disk);
	unlink(errf);
	free(chunk);
	free(tm);
	free(t32);
	free(t64);
	return 0;
}
