/* SPDX-License-Identifier: MIT */
/* flipsweep — every single-bit flip of the used bytes of one real descriptor page (its
 * descriptors and the terminator), each run through lgcheck's own pipeline (locate, infer
 * the base from the rings, decode, check), against a table that states the verdict of
 * every flip: the exit status and the exact set of checks that fire.
 * usage: flipsweep PAGE TABLE TMPFILE       check; exit 0 when every flip matches
 *        flipsweep --print PAGE TMPFILE     write the observed table (to review, not to trust)
 * Table lines: OFFSET BITS EXIT [CHECKS...] [# comment], BITS a comma list of 0..7 or *,
 * CHECKS sorted "e:name" / "w:name" / "n:name"; every flip must be covered exactly once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "locate_cli.h"

#define VERDICT_MAX 1024
#define VERDICT_NAMES 128 /* distinct checks in one verdict, at most */

static uint8_t page[LG_PAGE_SIZE];
static FILE *report; /* our stderr: lgcheck's messages go to /dev/null */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "EXIT sev:name …" for the page with bit `bit` of byte `off` flipped. */
static void verdict(const char *tmp, size_t off, unsigned bit, char *out, size_t n)
{
	uint8_t p[LG_PAGE_SIZE];
	memcpy(p, page, sizeof p);
	p[off] ^= (uint8_t)(1u << bit);
	FILE *f = fopen(tmp, "wb");
	if (!f || fwrite(p, 1, sizeof p, f) != sizeof p || fclose(f) != 0) {
		perror(tmp);
		exit(2);
	}
	struct lgt_locate_opts lo = {0};
	struct lgt_located loc;
	if (lgt_open_layout("lgcheck", tmp, &lo, &loc) < 0) {
		snprintf(out, n, "2");
		return;
	}
	struct lgt_findings fs = {0};
	struct lg_check_stats st;
	if (lg_check_layout(&loc.l, loc.img, NULL, lgt_collect, &fs, &st, NULL) < 0 || fs.nomem) {
		fprintf(stderr, "flipsweep: checking failed\n");
		exit(2);
	}
	const char *names[VERDICT_NAMES];
	char buf[VERDICT_NAMES][48];
	size_t k = 0;
	for (size_t i = 0; i < fs.n; i++) {
		char one[48];
		snprintf(one, sizeof one, "%c:%s", lg_severity_name(fs.f[i].severity)[0],
			 fs.f[i].name);
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup |= strcmp(names[j], one) == 0;
		if (!dup && k < VERDICT_NAMES) {
			memcpy(buf[k], one, sizeof one);
			names[k] = buf[k];
			k++;
		}
	}
	qsort(names, k, sizeof *names, cmp_str);
	size_t used = (size_t)snprintf(out, n, "%d", st.errors ? 1 : 0);
	for (size_t j = 0; j < k && used < n; j++)
		used += (size_t)snprintf(out + used, n - used, " %s", names[j]);
	lgt_findings_free(&fs);
	lgt_located_free(&loc);
}

/* The field a page offset belongs to, for people. */
static void field(const struct lg_layout *l, size_t off, char *out, size_t n)
{
	static const char *hdr[] = {"type", "num_vq", "feature_len", "config_len", "status"};
	static const char *vqf[] = {"num", "num", "irq", "irq", "pfn", "pfn", "pfn", "pfn"};
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_device *dv = &l->dev[d];
		uint32_t o = (uint32_t)off - dv->offset;
		if (off < dv->offset || o >= lg_desc_size(dv->num_vq, dv->feature_len, dv->config_len))
			continue;
		const char *tn = lg_type_name(dv->type);
		int k = snprintf(out, n, "device[%zu] (%s) ", d, tn ? tn : "?");
		out += k, n -= (size_t)k;
		uint32_t vq_end = LG_DESC_HDR_SIZE + LG_VQC_SIZE * dv->num_vq;
		if (o < LG_DESC_HDR_SIZE)
			snprintf(out, n, "%s", hdr[o]);
		else if (o < vq_end)
			snprintf(out, n, "vq[%u].%s byte %u", (o - LG_DESC_HDR_SIZE) / LG_VQC_SIZE,
				 vqf[(o - LG_DESC_HDR_SIZE) % LG_VQC_SIZE],
				 (o - LG_DESC_HDR_SIZE) % LG_VQC_SIZE < 2   ? (o - LG_DESC_HDR_SIZE) % 2
				 : (o - LG_DESC_HDR_SIZE) % LG_VQC_SIZE < 4 ? (o - LG_DESC_HDR_SIZE) % 2
									    : (o - LG_DESC_HDR_SIZE) % 4);
		else if (o < vq_end + dv->feature_len)
			snprintf(out, n, "host_features[%u]", o - vq_end);
		else if (o < vq_end + 2u * dv->feature_len)
			snprintf(out, n, "guest_features[%u]", o - vq_end - dv->feature_len);
		else
			snprintf(out, n, "config[%u]", o - vq_end - 2u * dv->feature_len);
		return;
	}
	snprintf(out, n, "terminator");
}

static int print_table(const char *tmp, const struct lg_layout *l)
{
	for (size_t off = 0; off <= l->end; off++) {
		char v[8][VERDICT_MAX], f[128];
		for (unsigned b = 0; b < 8; b++)
			verdict(tmp, off, b, v[b], sizeof v[b]);
		field(l, off, f, sizeof f);
		bool done[8] = {false};
		for (unsigned b = 0; b < 8; b++) {
			if (done[b])
				continue;
			char bits[32] = "";
			size_t nb = 0;
			for (unsigned c = b; c < 8; c++)
				if (!done[c] && strcmp(v[b], v[c]) == 0) {
					done[c] = true;
					nb++;
					snprintf(bits + strlen(bits), sizeof bits - strlen(bits), "%s%u",
						 c == b ? "" : ",", c);
				}
			printf("%#zx %s %s  # %s\n", off, nb == 8 ? "*" : bits, v[b], f);
		}
	}
	return 0;
}

static int check_table(const char *tmp, const char *table, const struct lg_layout *l)
{
	FILE *t = fopen(table, "r");
	if (!t) {
		perror(table);
		return 2;
	}
	static char expect[LG_PAGE_SIZE][8][VERDICT_MAX / 4];
	static bool have[LG_PAGE_SIZE][8];
	char line[2048];
	unsigned lineno = 0, fails = 0, flips = 0;
	while (fgets(line, sizeof line, t)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *off_s = strtok(line, " \t\n"), *bits_s = strtok(NULL, " \t\n");
		if (!off_s)
			continue;
		char *rest = strtok(NULL, "\n");
		unsigned long off = strtoul(off_s, NULL, 0);
		if (!bits_s || !rest || off > l->end) {
			fprintf(report, "%s:%u: expected OFFSET BITS EXIT [CHECKS], OFFSET <= %#x\n",
				table, lineno, l->end);
			return 2;
		}
		while (*rest == ' ' || *rest == '\t')
			rest++;
		size_t rl = strlen(rest);
		while (rl && (rest[rl - 1] == ' ' || rest[rl - 1] == '\t'))
			rest[--rl] = 0;
		for (unsigned b = 0; b < 8; b++) {
			char needle[4];
			snprintf(needle, sizeof needle, "%u", b);
			bool in = strcmp(bits_s, "*") == 0;
			for (char *p = bits_s; !in && *p; p++)
				in = *p == needle[0];
			if (!in)
				continue;
			if (have[off][b]) {
				fprintf(report, "%s:%u: flip %#lx.%u is in the table twice\n", table,
					lineno, off, b);
				return 2;
			}
			have[off][b] = true;
			snprintf(expect[off][b], sizeof expect[off][b], "%s", rest);
		}
	}
	fclose(t);
	for (size_t off = 0; off <= l->end; off++)
		for (unsigned b = 0; b < 8; b++) {
			char v[VERDICT_MAX], f[128];
			verdict(tmp, off, b, v, sizeof v);
			flips++;
			if (have[off][b] && strcmp(v, expect[off][b]) == 0)
				continue;
			field(l, off, f, sizeof f);
			fprintf(report, "FAIL: flip of bit %u at page offset %#zx (%s): got \"%s\", the table says %s%s%s\n",
				b, off, f, v, have[off][b] ? "\"" : "nothing",
				have[off][b] ? expect[off][b] : "", have[off][b] ? "\"" : "");
			fails++;
		}
	printf("flipsweep: %u flips, %u differ from the table\n", flips, fails);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	bool print = argc == 4 && strcmp(argv[1], "--print") == 0;
	if (argc != 4) {
		fprintf(stderr, "usage: flipsweep PAGE TABLE TMPFILE | --print PAGE TMPFILE\n");
		return 2;
	}
	const char *path = argv[print ? 2 : 1], *tmp = argv[3];
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "flipsweep: %s: not there; skipped\n", path);
		return 77;
	}
	size_t got = fread(page, 1, sizeof page, f);
	fclose(f);
	struct lg_layout l;
	if (got != sizeof page || lg_decode_page(page, sizeof page, 0, &l) < 0 || !l.terminated) {
		fprintf(stderr, "flipsweep: %s: expected a whole, terminated page\n", path);
		return 2;
	}
	/* lgcheck's own messages for the flips that cannot be located are not the point. */
	int saved = dup(STDERR_FILENO);
	report = saved >= 0 ? fdopen(saved, "w") : NULL;
	if (!report || !freopen("/dev/null", "w", stderr))
		return 2;
	int rc = print ? print_table(tmp, &l) : check_table(tmp, argv[2], &l);
	lg_layout_free(&l);
	return rc;
}
