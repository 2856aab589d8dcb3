/* lgcheck — find the lguest descriptor page in a memory dump, decode it, check it.
 * Exit 0: no errors (warnings allowed); 1: the input has errors; 2: could not run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "report_json.h"

static const char *prog = "lgcheck";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [options] FILE\n"
		"Find the lguest device descriptor page in FILE (a raw memory image, a device\n"
		"area, a bare page, or an ELF/kdump core), decode it and check every device,\n"
		"virtqueue and ring.\n\n"
		"  --base ADDR         guest-physical address of a raw file's first byte (default 0)\n"
		"  --raw               read FILE as raw bytes even if it looks like a core\n"
		"  --page-addr ADDR    the page is at ADDR (default: note, e820 entry, first byte)\n"
		"  --mem SIZE          top of guest RAM (default: the page's address)\n"
		"  --pfn-limit PFN     the pfn limit the Launcher told the Host (default: unknown)\n"
		"  --format FMT        text (default), json or sarif\n"
		"  --layout            print the decoded layout (text format)\n"
		"  -q, --quiet         print findings only, no summary\n"
		"  -W NAME             make check NAME a warning; -W no-NAME turns it off\n"
		"  -E NAME             make check NAME an error\n"
		"  --list-checks       list every named check\n"
		"  --color WHEN        auto (default), always or never\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n\n"
		"Sizes and addresses accept decimal, 0x hex and K/M/G suffixes (32M, 0x2000000).\n"
		"Exit status: 0 no errors, 1 the input has errors, 2 the check could not run.\n",
		prog);
}

enum { OPT_BASE = 256, OPT_PAGE, OPT_MEM, OPT_PFNLIMIT, OPT_FORMAT, OPT_LAYOUT, OPT_LIST,
       OPT_RAW, OPT_COLOR };

static int parse_addr(const char *opt, const char *arg, uint64_t *out)
{
	if (lgt_parse_size(arg, out) < 0) {
		fprintf(stderr, "%s: %s '%s': expected a number such as 0x2000000 or 32M\n", prog,
			opt, arg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"base", required_argument, NULL, OPT_BASE},
		{"page-addr", required_argument, NULL, OPT_PAGE},
		{"mem", required_argument, NULL, OPT_MEM},
		{"pfn-limit", required_argument, NULL, OPT_PFNLIMIT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"layout", no_argument, NULL, OPT_LAYOUT},
		{"list-checks", no_argument, NULL, OPT_LIST},
		{"raw", no_argument, NULL, OPT_RAW},
		{"color", required_argument, NULL, OPT_COLOR},
		{"colour", required_argument, NULL, OPT_COLOR},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct lg_check_config cfg;
	struct lg_image_opts iopts = {0};
	uint64_t page_addr = 0, mem = 0, pfn_limit = 0;
	bool have_page = false, have_mem = false, have_base = false, layout = false, quiet = false;
	bool inferred = false;
	enum lgt_format fmt = LGT_TEXT;
	int color = -1;
	int c;

	lg_check_config_init(&cfg);
	while ((c = getopt_long(argc, argv, "W:E:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BASE:
			if (parse_addr("--base", optarg, &iopts.base) < 0)
				return 2;
			have_base = true;
			break;
		case OPT_PAGE:
			if (parse_addr("--page-addr", optarg, &page_addr) < 0)
				return 2;
			if (page_addr % LG_PAGE_SIZE) {
				fprintf(stderr, "%s: --page-addr %#llx is not a multiple of 4096\n",
					prog, (unsigned long long)page_addr);
				return 2;
			}
			have_page = true;
			break;
		case OPT_MEM:
			if (parse_addr("--mem", optarg, &mem) < 0)
				return 2;
			have_mem = true;
			break;
		case OPT_PFNLIMIT:
			if (parse_addr("--pfn-limit", optarg, &pfn_limit) < 0)
				return 2;
			if (pfn_limit > (UINT64_MAX >> LG_PAGE_SHIFT)) {
				fprintf(stderr, "%s: --pfn-limit %#llx is beyond the 64-bit address "
					"space\n", prog, (unsigned long long)pfn_limit);
				return 2;
			}
			break;
		case OPT_FORMAT:
			if (lgt_parse_format(optarg, &fmt) < 0) {
				fprintf(stderr, "%s: --format '%s': expected text, json or sarif\n",
					prog, optarg);
				return 2;
			}
			break;
		case OPT_LAYOUT:
			layout = true;
			break;
		case OPT_LIST:
			lgt_list_checks(stdout);
			return 0;
		case OPT_RAW:
			iopts.force_raw = true;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				color = -1;
			else if (strcmp(optarg, "always") == 0)
				color = 1;
			else if (strcmp(optarg, "never") == 0)
				color = 0;
			else {
				fprintf(stderr, "%s: --color '%s': expected auto, always or never\n",
					prog, optarg);
				return 2;
			}
			break;
		case 'W':
		case 'E':
			if (lgt_apply_flag(&cfg, (char)c, optarg, prog) < 0)
				return 2;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("lgcheck (lgkit) %s\n", LGKIT_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: %s\n", prog,
			optind == argc ? "no input file given" : "expected exactly one input file");
		usage(stderr);
		return 2;
	}
	const char *file = argv[optind];

	struct lg_image *img = NULL;
	struct lg_error err = {0};
	if (lg_image_open(file, &iopts, &img, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		return 2;
	}

	enum lg_page_source src = LG_PAGE_FROM_OPTION;
	if (!have_page && lg_locate_page(img, &page_addr, &src, &err) < 0) {
		fprintf(stderr, "%s: %s: cannot locate the descriptor page: %s\n", prog, file,
			err.msg);
		lg_image_close(img);
		return 2;
	}
	if (lg_image_backed(img, page_addr, 1) == 0) {
		fprintf(stderr, "%s: %s: the page address %#llx is not in the image", prog, file,
			(unsigned long long)page_addr);
		uint64_t a, len;
		if (lg_image_range(img, 0, &a, &len) == 0)
			fprintf(stderr, " (first range [%#llx, %#llx))", (unsigned long long)a,
				(unsigned long long)(a + len));
		fprintf(stderr, "\n");
		lg_image_close(img);
		return 2;
	}

	struct lg_layout l;
	int rc = lg_decode_image(img, page_addr, &l);
	if (rc < 0) {
		fprintf(stderr, "%s: %s: cannot decode the page at %#llx: %s\n", prog, file,
			(unsigned long long)page_addr, lg_strerror(rc));
		lg_image_close(img);
		return 2;
	}
	/* A raw file with no base and no zero page: a bare page or a device area.  Its
	 * rings tell where the Launcher put it (one page below the first ring). */
	uint64_t guess;
	if (src == LG_PAGE_FROM_FIRST_BYTE && !have_base && lg_image_kind(img) == LG_IMAGE_RAW &&
	    page_addr == 0 && lg_infer_page_addr(&l, &guess) == 0 && guess > 0) {
		lg_layout_free(&l);
		lg_image_close(img);
		img = NULL;
		iopts.base = guess;
		if (lg_image_open(file, &iopts, &img, &err) < 0) {
			fprintf(stderr, "%s: %s\n", prog, err.msg);
			return 2;
		}
		page_addr = guess;
		inferred = true;
		rc = lg_decode_image(img, page_addr, &l);
		if (rc < 0) {
			fprintf(stderr, "%s: %s: cannot decode the page at %#llx: %s\n", prog, file,
				(unsigned long long)page_addr, lg_strerror(rc));
			lg_image_close(img);
			return 2;
		}
	}
	struct lg_note note;
	if (lg_image_note(img, &note)) {
		l.mem = note.mem;
		l.pfn_limit = note.pfn_limit;
	}
	if (have_mem)
		l.mem = mem;
	if (pfn_limit)
		l.pfn_limit = pfn_limit;

	struct lgt_findings fs = {0};
	struct lg_check_stats st;
	rc = lg_check_layout(&l, img, &cfg, lgt_collect, &fs, &st);
	if (rc < 0 || fs.nomem) {
		fprintf(stderr, "%s: %s: checking failed: %s\n", prog, file,
			lg_strerror(rc < 0 ? rc : LG_ERR_NOMEM));
		lgt_findings_free(&fs);
		lg_layout_free(&l);
		lg_image_close(img);
		return 2;
	}

	struct lgc_run run = {file, lg_image_kind_name(lg_image_kind(img)),
			      inferred ? "first byte of the file (base inferred from the lowest ring)"
				       : lg_page_source_name(src),
			      &l, &fs, &st};
	if (fmt == LGT_JSON)
		rc = lgc_print_json(stdout, &run);
	else if (fmt == LGT_SARIF)
		rc = lgc_print_sarif(stdout, &run);
	else {
		bool use_color = color < 0 ? lgt_use_color(stdout) : color;
		if (layout) {
			printf("%s: %s image, page found by %s\n", file, run.image_kind,
			       run.page_source);
			lgt_print_layout(stdout, &l);
		}
		lgt_print_findings(stdout, file, &fs, use_color);
		if (!quiet) {
			if (st.rings_unchecked)
				printf("%s: note: the image holds only the descriptor page; ring "
				       "contents were not checked\n",
				       file);
			lgt_print_summary(stdout, file, &st);
		}
		rc = 0;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: writing the report failed\n", prog);
		rc = -1;
	}
	int exit_code = rc < 0 ? 2 : st.errors ? 1 : 0;
	lgt_findings_free(&fs);
	lg_layout_free(&l);
	lg_image_close(img);
	return exit_code;
}
