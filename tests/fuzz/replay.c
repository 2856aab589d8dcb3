/* SPDX-License-Identifier: MIT */
/* replay — run a fuzz target's entry point over files (a regression corpus, the seed
 * vectors) without libFuzzer, so every build replays what the fuzzers found.
 * usage: replay-TARGET [-t RUNS] FILE|DIR...  Exit 0 when every input ran.
 * -t RUNS: run each input RUNS times and print, for each, the mean microseconds of a run
 * and its path (bench/fuzz/inputs.sh: which inputs a corpus spends its time on). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int run_file(const char *path, long runs)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
	size_t got = buf ? fread(buf, 1, (size_t)len, f) : 0;
	fclose(f);
	if (!buf || got != (size_t)len) {
		free(buf);
		fprintf(stderr, "replay: %s: cannot read\n", path);
		return 1;
	}
	double t0 = now_us();
	for (long r = 0; r < (runs ? runs : 1); r++)
		LLVMFuzzerTestOneInput(buf, got);
	if (runs)
		printf("%.1f %s\n", (now_us() - t0) / (double)runs, path);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, n = 0, first = 1;
	long runs = 0;
	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		char *end;
		runs = strtol(argv[2], &end, 10);
		if (*end || runs < 1) {
			fprintf(stderr, "replay: -t '%s': expected a number of runs, 1 or more\n",
				argv[2]);
			return 2;
		}
		first = 3;
	}
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue; /* an absent seed folder (no ../shared) is not an error */
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i], runs);
			n++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.' || strstr(e->d_name, ".txt") || strstr(e->d_name, ".md"))
				continue;
			char p[4096];
			snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
			bad |= run_file(p, runs);
			n++;
		}
		if (d)
			closedir(d);
	}
	printf("replay: %d inputs\n", n);
	return bad;
}
