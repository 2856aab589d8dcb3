/* SPDX-License-Identifier: MIT */
/* lgcheck — find the lguest descriptor page in a memory dump, decode it, check it.
 * Exit 0: no errors (warnings allowed); 1: the input has errors; 2: could not run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "locate_cli.h"
#include "report_json.h"
#include "lgkit/scan.h"

static const char *prog = "lgcheck";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [options] FILE...\n"
		"Find the lguest device descriptor page in each FILE (a raw memory image, a device\n"
		"area, a bare page, or an ELF/kdump core; - or a pipe is read once to its end),\n"
		"decode it and check every device, virtqueue and ring.  Several FILEs: each is\n"
		"checked alone, then a total; the exit status is the worst.\n\n"
		"  --base ADDR         guest-physical address of a raw file's first byte (default 0)\n"
		"  --raw               read FILE as raw bytes even if it looks like a core\n"
		"  --page-addr ADDR    the page is at ADDR (default: note, e820 entry, first byte)\n"
		"  --scan              look at every page of FILE, rank the pages that walk like a\n"
		"                      descriptor page (clean ones first), list them, check the best\n"
		"  --mem SIZE          top of guest RAM (default: the page's address)\n"
		"  --pfn-limit PFN     the pfn limit the Launcher told the Host (default: unknown)\n"
		"  --era ERA           read the page as e0 (2.6.23), e1 (2.6.24) or e2 (2.6.25 on)\n"
		"                      (default: found from the page, see lgcheck(1))\n"
		"  --format FMT        text (default), json or sarif\n"
		"  --layout            print the decoded layout and each ring's state: indices, flags,\n"
		"                      outstanding chains and their lengths (text format)\n"
		"  -q, --quiet         print findings only, no summary\n"
		"  -v, --verbose       --scan: progress lines on stderr every few seconds also when\n"
		"                      it is not a terminal (a log)\n"
		"  -W NAME             make check NAME a warning; -W no-NAME turns it off\n"
		"  -E NAME             make check NAME an error\n"
		"  --list-checks       list every named check (--format json: as a JSON array)\n"
		"  --color WHEN        auto (default), always or never\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n\n"
		"Sizes and addresses accept decimal, 0x hex and K/M/G suffixes (32M, 0x2000000).\n"
		"Exit status: 0 no errors, 1 the input has errors, 2 the check could not run.\n",
		prog);
}

enum { OPT_MEM = LGT_OPT_TOOL, OPT_PFNLIMIT, OPT_FORMAT, OPT_LAYOUT, OPT_SCAN, OPT_ERA };

static bool verbose; /* -v */

/* Progress of --scan on stderr: on a terminal, one line rewritten in place. */
static int scan_progress(void *ctx, uint64_t done, uint64_t total)
{
	int *last = ctx;
	int pct = total ? (int)(done * 100 / total) : 100;
	if (pct != *last) {
		*last = pct;
		fprintf(stderr, "\r%s: scanning %3d%% (%llu of %llu MiB)", prog, pct,
			(unsigned long long)(done >> 20), (unsigned long long)(total >> 20));
		if (done >= total)
			fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	return 0;
}

#define PROGRESS_LINE_SECONDS 3

struct line_progress {
	const char *file;
	struct timespec last; /* when the last line was printed */
};

/* With -v and stderr not a terminal (a log): a line every few seconds, and the last. */
static int scan_progress_lines(void *ctx, uint64_t done, uint64_t total)
{
	struct line_progress *lp = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < total && now.tv_sec - lp->last.tv_sec < PROGRESS_LINE_SECONDS)
		return 0;
	lp->last = now;
	fprintf(stderr, "%s: %s: scanning: %d%% (%llu of %llu MiB)\n", prog, lp->file,
		total ? (int)(done * 100 / total) : 100, (unsigned long long)(done >> 20),
		(unsigned long long)(total >> 20));
	fflush(stderr);
	return 0;
}

static int run_scan(const char *file, const struct lg_image *img,
		    const struct lg_check_config *cfg, struct lg_scan_candidate *cand, size_t max,
		    struct lg_error *err)
{
	int last = -1;
	struct line_progress lp = {file, {0, 0}};
	struct lg_scan_opts o = {NULL, &last, cfg};
	clock_gettime(CLOCK_MONOTONIC, &lp.last);
	if (isatty(STDERR_FILENO)) {
		o.progress = scan_progress;
	} else if (verbose) {
		o.progress = scan_progress_lines;
		o.ctx = &lp;
	}
	return lg_scan(img, &o, cand, max, err);
}

struct scan_ctx {
	const struct lg_check_config *cfg;
	struct lg_scan_candidate *cand;
	int ncand; /* -1 until the scan ran */
};

/* --scan as a finder for lgt_open_layout: the best-ranked candidate is the page. */
static int scan_finder(void *ctx, const char *file, const struct lg_image *img,
		       uint64_t *page_addr)
{
	struct scan_ctx *sc = ctx;
	struct lg_error why = {0};
	sc->ncand = run_scan(file, img, sc->cfg, sc->cand, LGC_SCAN_MAX, &why);
	if (sc->ncand < 0) {
		lgt_errorf(prog, "%s: scan failed: %s", file, why.msg);
		return -1;
	}
	if (sc->ncand == 0) {
		lgt_errorf(prog, "%s: scan found no plausible descriptor page", file);
		return -1;
	}
	*page_addr = sc->cand[0].page_addr;
	return 1;
}

static void print_scan(FILE *out, const char *file, const struct lg_scan_candidate *c, size_t n)
{
	fprintf(out, "%s: scan: %zu plausible descriptor page%s%s\n", file, n, n == 1 ? "" : "s",
		n > LGC_SCAN_MAX ? " (the best listed)" : "");
	for (size_t i = 0; i < n && i < LGC_SCAN_MAX; i++)
		fprintf(out,
			"  %2zu. %#llx  score %ld: %u device%s, %u vq%s, %u ring%s in the image, "
			"%u error%s, %u warning%s%s\n",
			i + 1, (unsigned long long)c[i].page_addr, c[i].score, c[i].ndev,
			c[i].ndev == 1 ? "" : "s", c[i].nvq, c[i].nvq == 1 ? "" : "s",
			c[i].rings_checked, c[i].rings_checked == 1 ? "" : "s", c[i].errors,
			c[i].errors == 1 ? "" : "s", c[i].warnings, c[i].warnings == 1 ? "" : "s",
			c[i].score > -LG_SCAN_LOOSE / 2 ? "" : " (not clean: walks only by the loose rule)");
}

/* Per ring: indices, flags, the outstanding chains and their lengths. */
static void lgc_print_ring_states(FILE *out, const struct lg_image *img, const struct lg_layout *l)
{
	bool header = false;
	for (size_t d = 0; d < l->ndev; d++) {
		for (unsigned q = 0; q < l->dev[d].vqs_present; q++) {
			const char *tn = lg_type_name(l->dev[d].type);
			if (!header) {
				fprintf(out, "ring state:\n");
				header = true;
			}
			fprintf(out, "  device[%zu] (%s) vq[%u]: ", d, tn ? tn : "unknown", q);
			struct lgc_ring r;
			lgc_ring_load(img, l, d, q, &r);
			const struct lg_ring_state *rs = &r.rs;
			if (r.rc < 0) {
				fprintf(out, "%s\n",
					r.rc == LG_ERR_PARAM ? "no valid ring (num or pfn)"
					: r.rc == LG_ERR_NOT_IN_IMAGE ? "not in the image"
								      : lg_strerror(r.rc));
				continue;
			}
			fprintf(out,
				"avail idx %u flags %#x, used idx %u flags %#x, used_event %u, "
				"avail_event %u: %u outstanding\n",
				rs->avail_idx, rs->avail_flags, rs->used_idx, rs->used_flags,
				rs->used_event, rs->avail_event, rs->pending);
			if (rs->pending > rs->num)
				fprintf(out, "    (more than num %u: chains not walked)\n", rs->num);
			for (int i = 0; i < r.n && i < 16; i++) {
				const struct lg_chain *ch = &r.ch[i];
				uint16_t slot = (uint16_t)(rs->used_idx + i) % rs->num;
				fprintf(out,
					"    avail.ring[%u] = head %u: %u buffer%s, %llu bytes out, %llu "
					"in%s",
					slot, ch->head, ch->nbufs, ch->nbufs == 1 ? "" : "s",
					(unsigned long long)ch->out_bytes,
					(unsigned long long)ch->in_bytes,
					ch->indirect ? " (indirect)" : "");
				if (ch->fault >= 0)
					fprintf(out, " [stops: %s]",
						lg_check_info((enum lg_check_id)ch->fault)->name);
				fprintf(out, "\n");
			}
			if (r.n > 16)
				fprintf(out, "    … %d more\n", r.n - 16);
			if (r.n < 0)
				fprintf(out, "    (chains not walked: %s)\n", lg_strerror(r.n));
			lgc_ring_free(&r);
		}
	}
}

/* What the options say, the same for every FILE. */
struct lgc_opts {
	struct lg_check_config *cfg; /* owned by main */
	struct lgt_locate_opts lo; /* --base, --page-addr, --raw */
	uint64_t mem, pfn_limit;
	bool have_mem, layout, quiet, scan;
	enum lgt_format fmt;
	bool color;
	enum lg_era era; /* --era, or LG_ERA_AUTO */
};

/* Check one FILE as if it were alone: its findings and summary (text) or its entry in rep.
 * Returns its exit status (0, 1 or 2); *st gets its counts. */
static int check_one(const struct lgc_opts *o, const char *path, struct lgc_report *rep,
		     struct lg_check_stats *st)
{
	struct lg_scan_candidate cand[LGC_SCAN_MAX];
	/* The name as shown: one printable line in text, valid UTF-8 in JSON and SARIF. */
	char *file = lgt_name_text(path), *json_file = lgt_name_json(path);
	struct lgt_findings fs = {0};
	struct lgt_located loc;
	int exit_code = 2;

	memset(st, 0, sizeof *st);
	lgt_clear_error();
	struct scan_ctx sc = {o->cfg, cand, -1};
	struct lgt_locate_opts lo = o->lo;
	lo.iopts.name = file;
	lo.finder = o->scan ? scan_finder : NULL;
	lo.finder_ctx = &sc;
	lo.era = o->era;
	if (lgt_open_layout(prog, path, &lo, &loc) < 0)
		goto out;
	struct lg_image *img = loc.img;
	struct lg_layout *l = &loc.l;
	if (o->have_mem)
		l->mem = o->mem;
	if (o->pfn_limit)
		l->pfn_limit = o->pfn_limit;

	/* A read that failed (a page of a kdump image that would not decode): the report
	 * would be incomplete, so say which ring and page, and stop. */
	struct lg_error why = {0};
	int rc = lg_check_layout(l, img, o->cfg, lgt_collect, &fs, st, &why);
	if (rc < 0 || fs.nomem) {
		lgt_errorf(prog, "%s: checking failed: %s", file,
			   rc < 0 ? why.msg : lg_strerror(LG_ERR_NOMEM));
		goto close;
	}

	struct lgc_run run = {json_file, path, lg_image_kind_name(lg_image_kind(img)),
			      loc.page_source, l, &fs, st, img, sc.ncand >= 0 ? cand : NULL,
			      sc.ncand < 0 ? 0 : (size_t)sc.ncand};
	if (rep) {
		if (lgc_report_add(rep, &run) < 0) {
			lgt_errorf(prog, "%s: %s", file, lg_strerror(LG_ERR_NOMEM));
			goto close;
		}
	} else {
		if (sc.ncand >= 0 && !o->quiet)
			print_scan(stdout, file, cand, (size_t)sc.ncand);
		if (o->layout) {
			printf("%s: %s image, page found by %s\n", file, run.image_kind,
			       run.page_source);
			lgt_print_layout(stdout, l);
			lgc_print_ring_states(stdout, img, l);
		}
		lgt_print_findings(stdout, file, &fs, o->color);
		if (!o->quiet) {
			if (loc.inferred)
				printf("%s: note: %s; --base ADDR states it\n", file, loc.inference);
			if (st->rings_unchecked)
				printf("%s: note: the image holds only the descriptor page; ring "
				       "contents were not checked\n",
				       file);
			lgt_print_summary(stdout, file, st);
		}
	}
	exit_code = st->errors ? 1 : 0;
close:
	lgt_located_free(&loc);
out:
	if (exit_code == 2 && rep &&
	    lgc_report_fail(rep, json_file, path, lgt_last_error()[0] ? lgt_last_error()
								     : "could not be checked") < 0)
		lgt_errorf(prog, "%s: %s", file, lg_strerror(LG_ERR_NOMEM));
	lgt_findings_free(&fs);
	free(file);
	free(json_file);
	return exit_code;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		LGT_CHECK_LONGOPTS,
		{"mem", required_argument, NULL, OPT_MEM},
		{"pfn-limit", required_argument, NULL, OPT_PFNLIMIT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"layout", no_argument, NULL, OPT_LAYOUT},
		{"scan", no_argument, NULL, OPT_SCAN},
		{"era", required_argument, NULL, OPT_ERA},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	/* Static: the check config it holds lives until exit, whichever return ends main. */
	static struct lgc_opts o;
	int c, exit_now;

	o.fmt = LGT_TEXT;
	o.era = LG_ERA_AUTO;
	o.cfg = lg_check_config_new();
	if (!o.cfg) {
		fprintf(stderr, "%s: %s\n", prog, lg_strerror(LG_ERR_NOMEM));
		return 2;
	}
	struct lgt_check_cli cli = {prog, usage, o.cfg, &o.lo, -1, false, false};
	static char name[] = "lgcheck"; /* getopt's messages name the tool, not its path */
	argv[0] = name;
	while ((c = getopt_long(argc, argv, "W:E:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MEM:
			if (lgt_opt_size(prog, "--mem", optarg, &o.mem) < 0)
				return 2;
			o.have_mem = true;
			break;
		case OPT_PFNLIMIT:
			if (lgt_opt_size(prog, "--pfn-limit", optarg, &o.pfn_limit) < 0)
				return 2;
			if (o.pfn_limit > (UINT64_MAX >> LG_PAGE_SHIFT)) {
				fprintf(stderr, "%s: --pfn-limit %#llx is beyond the 64-bit address "
					"space\n", prog, (unsigned long long)o.pfn_limit);
				return 2;
			}
			break;
		case OPT_FORMAT:
			if (lgt_parse_format(optarg, &o.fmt) < 0) {
				fprintf(stderr, "%s: --format '%s': expected text, json or sarif\n",
					prog, optarg);
				return 2;
			}
			break;
		case OPT_LAYOUT:
			o.layout = true;
			break;
		case OPT_SCAN:
			o.scan = true;
			break;
		case OPT_ERA:
			if (lgt_opt_era(prog, optarg, &o.era) < 0)
				return 2;
			break;
		case 'v':
			verbose = true;
			break;
		default: /* --list-checks is printed once --format is known */
			if ((exit_now = lgt_check_option(&cli, c, optarg)) >= 0)
				return exit_now;
		}
	}
	o.quiet = cli.quiet;
	if (cli.list)
		return lgt_list_checks(stdout, o.fmt == LGT_JSON) < 0 ? 2 : 0;
	if (optind == argc) {
		fprintf(stderr, "%s: no input file given\n", prog);
		usage(stderr);
		return 2;
	}
	if (o.scan && o.lo.have_page) {
		fprintf(stderr, "%s: --scan looks for the page; --page-addr names it: give one\n",
			prog);
		return 2;
	}
	o.color = cli.color < 0 ? lgt_use_color(stdout) : cli.color;

	struct lgc_report *rep = NULL;
	if (o.fmt != LGT_TEXT && !(rep = lgc_report_new(o.fmt))) {
		fprintf(stderr, "%s: %s\n", prog, lg_strerror(LG_ERR_NOMEM));
		return 2;
	}
	int nfiles = argc - optind, worst = 0, failed = 0;
	struct lg_check_stats total = {0};
	for (int i = optind; i < argc; i++) {
		struct lg_check_stats st;
		int rc = check_one(&o, argv[i], rep, &st);
		worst = rc > worst ? rc : worst;
		failed += rc == 2;
		total.errors += st.errors;
		total.warnings += st.warnings;
		total.notes += st.notes;
	}
	if (rep) {
		if (lgc_report_print(stdout, rep, nfiles > 1, worst) < 0) {
			fprintf(stderr, "%s: %s\n", prog, lg_strerror(LG_ERR_NOMEM));
			worst = 2;
		}
		lgc_report_free(rep);
	} else if (nfiles > 1 && !o.quiet) {
		char label[96];
		int k = snprintf(label, sizeof label, "total (%d files", nfiles);
		snprintf(label + k, sizeof label - (size_t)k, failed ? ", %d could not be checked)" : ")",
			 failed);
		lgt_print_summary(stdout, label, &total);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: writing the report failed\n", prog);
		worst = 2;
	}
	lg_check_config_free(o.cfg);
	return worst;
}
