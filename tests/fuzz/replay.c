/* SPDX-License-Identifier: MIT */
/* replay — run a fuzz target's entry point over files (a regression corpus, the seed
 * vectors) without libFuzzer, so every build replays what the fuzzers found.
 * usage: replay-TARGET FILE|DIR...  Exit 0 when every input ran. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
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
	LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, n = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue; /* an absent seed folder (no ../shared) is not an error */
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
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
			bad |= run_file(p);
			n++;
		}
		if (d)
			closedir(d);
	}
	printf("replay: %d inputs\n", n);
	return bad;
}
