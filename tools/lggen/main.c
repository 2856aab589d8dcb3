/* SPDX-License-Identifier: MIT */
/* lggen — build the descriptor page, device area or whole guest memory image from a JSON
 * layout spec; or (--decode) turn a page, area or image back into a fully explicit spec.
 * Exit 0: written; 1: the spec or layout has errors (nothing written); 2: could not run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "lgkit/emit.h"
#include "lgkit/spec.h"
#include "locate_cli.h"
#include "output.h"
#include "specdiag.h"

static const char *prog = "lggen";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [options] SPEC.json -o OUT [--page|--area|--image|--lhreq]\n"
		"       %s --decode FILE [--era ERA] [--base ADDR] [--page-addr ADDR] [-o OUT.json]\n"
		"Write the lguest descriptor page (default), the device area (the page and its\n"
		"zeroed ring pages up to the pfn limit) or a whole raw guest memory image (zero\n"
		"page, command line, RAM, page, rings) described by a JSON layout spec.  A layout\n"
		"with errors is refused with the diagnostics lgcheck would print.\n"
		"With --decode, read a page, device area, raw image or core and write the layout\n"
		"back as a fully explicit spec (stdout unless -o is given).\n\n"
		"  -o, --output FILE   where to write (through a temporary file and rename)\n"
		"  --page              write the 4096-byte descriptor page (default)\n"
		"  --area              write the device area: page_addr .. pfn_limit*4096\n"
		"  --image             write guest memory from address 0 to pfn_limit*4096\n"
		"  --lhreq             write the words the spec's era's Launcher wrote to\n"
		"                      /dev/lguest for the layout (LHREQ_INITIALIZE, ...)\n"
		"  --guest-base ADDR   --lhreq: the Launcher's address of guest memory (default 0)\n"
		"  --start ADDR        --lhreq: the Guest's start address (default: the era's)\n"
		"  --pgdir ADDR        --lhreq, eras before 3.x: the page directory (default\n"
		"                      mem - 4096)\n"
		"  --eventfd FD        --lhreq, 3.x: add one LHREQ_EVENTFD per virtqueue with FD\n"
		"  --cmdline TEXT      --image: the kernel command line at 0x1000 (default empty)\n"
		"  --mem SIZE          top of guest RAM, overriding the spec's \"mem\" (--decode:\n"
		"                      overriding the page address)\n"
		"  --force             write even when the layout has errors, and accept any value\n"
		"                      the wire fields hold (ring sizes that are not powers of two)\n"
		"  -W NAME, -E NAME    change a check's severity, as lgcheck does\n"
		"  --list-checks       list every named check (--format json: as a JSON array)\n"
		"  -q, --quiet         print no summary line\n"
		"  --color WHEN        auto (default), always or never\n"
		"  --decode FILE       turn FILE (- or a pipe too) back into a spec\n"
		"  --base ADDR         --decode: guest-physical address of a raw file's first byte\n"
		"  --page-addr ADDR    --decode: the page is at ADDR\n"
		"  --raw               --decode: read FILE as raw bytes even if it looks like a core\n"
		"  --era ERA           --decode: read the page as e0 (2.6.23), e1 (2.6.24) or e2\n"
		"                      (default: found from the page)\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n\n"
		"Sizes and addresses accept decimal, 0x hex and K/M/G suffixes (32M, 0x2000000).\n"
		"Exit status: 0 written, 1 the spec or layout has errors (nothing written),\n"
		"2 the tool could not run (usage, unreadable input, cannot write).\n",
		prog, prog);
}

enum { OPT_PAGE = LGT_OPT_TOOL, OPT_AREA, OPT_IMAGE, OPT_CMDLINE, OPT_MEM, OPT_FORCE,
       OPT_DECODE, OPT_FORMAT, OPT_ERA, OPT_LHREQ, OPT_GUEST_BASE, OPT_START, OPT_PGDIR,
       OPT_EVENTFD };

/* --lhreq: the layout's /dev/lguest words, little-endian, through the output helper. */
static int write_lhreq(const char *file, const struct lg_layout *l, const struct lg_lhreq_opts *lo,
		       const char *outpath, const char *inpath)
{
	size_t n = 0;
	int rc = lg_emit_lhreq(l, lo, NULL, 0, &n);
	uint32_t *w = rc < 0 ? NULL : calloc(n, sizeof *w);
	uint8_t *bytes = w ? calloc(n, 4) : NULL;
	if (rc == 0 && bytes)
		rc = lg_emit_lhreq(l, lo, w, n, &n);
	if (rc < 0 || !bytes) {
		if (rc == LG_ERR_OVERFLOW)
			fprintf(stderr, "%s: %s: a /dev/lguest word does not fit 32 bits (the "
					"Launchers were 32-bit programs)\n",
				prog, file);
		else
			fprintf(stderr, "%s: %s: cannot write the request words: %s\n", prog, file,
				lg_strerror(rc < 0 ? rc : LG_ERR_NOMEM));
		free(w);
		free(bytes);
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		lg_put32(bytes + 4 * i, w[i]);
	struct lgt_out o;
	int ret = 2;
	if (lgt_out_open(&o, prog, outpath, inpath) == 0) {
		if (lgt_out_write(&o, 0, bytes, 4 * n) == 0 && lgt_out_commit(&o, 4 * n) == 0)
			ret = 0;
		else
			lgt_out_abort(&o);
	}
	free(w);
	free(bytes);
	return ret;
}

/* Read a whole spec file, or a little more than LG_SPEC_MAX_SIZE bytes of a larger one. */
static char *read_spec(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", prog, path, strerror(errno));
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	bool nomem = !buf;
	while (!nomem && n <= LG_SPEC_MAX_SIZE) { /* past the limit: enough to refuse it */
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				nomem = true;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	if (nomem) {
		free(buf);
		buf = NULL;
	}
	bool bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!buf) {
		fprintf(stderr, "%s: %s: out of memory\n", prog, path);
		return NULL;
	}
	if (bad) {
		fprintf(stderr, "%s: %s: cannot read: %s\n", prog, path, strerror(errno));
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int sink(void *ctx, uint64_t off, const uint8_t *bytes, size_t len)
{
	return lgt_out_write(ctx, off, bytes, len) < 0 ? LG_ERR_IO : 0;
}

/* ---------------------------------------------------------------- --decode */

static int decode(const char *path, const char *file, const struct lgt_locate_opts *lo, bool have_mem,
		  uint64_t mem, const char *outpath)
{
	/* Refuse an output that is the input before reading anything. */
	struct lgt_out o;
	if (lgt_out_open(&o, prog, outpath ? outpath : "-", path) < 0)
		return 2;
	struct lgt_located loc;
	if (lgt_open_layout(prog, path, lo, &loc) < 0) {
		lgt_out_abort(&o);
		return 2;
	}
	struct lg_layout *l = &loc.l;
	int ret = 2;
	if (l->terminated) {
		unsigned nz = 0;
		for (uint32_t i = l->end + 1; i < l->page_len; i++)
			nz += l->page[i] != 0;
		if (nz)
			fprintf(stderr,
				"%s: %s: note: %u non-zero bytes after the terminator at page offset "
				"%u belong to no device; the spec leaves them out\n",
				prog, file, nz, l->end);
	}
	if (have_mem)
		l->mem = mem;
	if (!l->mem) /* a note that does not know */
		l->mem = l->page_addr;
	/* Without a note, the pfn limit is where the bytes after the page stop: a device
	 * area or image ends exactly there.  A bare page leaves it to the rings. */
	if (!l->pfn_limit) {
		uint64_t backed = lg_image_backed(loc.img, l->page_addr, UINT64_MAX - l->page_addr);
		if (backed > LG_PAGE_SIZE)
			l->pfn_limit = (l->page_addr + backed) >> LG_PAGE_SHIFT;
	}
	/* The spec must load back: say which value it could not hold. */
	struct lg_error why = {0};
	char *json = NULL;
	int rc = lg_spec_dumpable(l, &why);
	if (rc == 0)
		rc = lg_spec_dump(l, &json);
	if (rc != 0 || !json) {
		fprintf(stderr, "%s: %s: cannot write a spec: %s\n", prog, file,
			rc == LG_ERR_LAYOUT ? why.msg : lg_strerror(rc < 0 ? rc : LG_ERR_NOMEM));
		goto done;
	}
	if (lgt_out_write(&o, 0, json, strlen(json)) < 0 || lgt_out_commit(&o, strlen(json)) < 0)
		goto done_json;
	ret = 0;
done_json:
	free(json);
done:
	if (ret)
		lgt_out_abort(&o);
	lgt_located_free(&loc);
	return ret;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"page", no_argument, NULL, OPT_PAGE},
		{"area", no_argument, NULL, OPT_AREA},
		{"image", no_argument, NULL, OPT_IMAGE},
		{"cmdline", required_argument, NULL, OPT_CMDLINE},
		{"mem", required_argument, NULL, OPT_MEM},
		{"force", no_argument, NULL, OPT_FORCE},
		{"decode", no_argument, NULL, OPT_DECODE},
		{"era", required_argument, NULL, OPT_ERA},
		{"lhreq", no_argument, NULL, OPT_LHREQ},
		{"guest-base", required_argument, NULL, OPT_GUEST_BASE},
		{"start", required_argument, NULL, OPT_START},
		{"pgdir", required_argument, NULL, OPT_PGDIR},
		{"eventfd", required_argument, NULL, OPT_EVENTFD},
		{"format", required_argument, NULL, OPT_FORMAT},
		LGT_CHECK_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	/* Static: the check config lives until exit, whichever return ends main. */
	static struct lg_check_config *cfg;
	cfg = lg_check_config_new();
	struct lgt_locate_opts lo = {0};
	enum lg_emit_kind kind = LG_EMIT_PAGE;
	const char *outpath = NULL, *cmdline = NULL;
	uint64_t mem = 0;
	bool have_mem = false, force = false, do_decode = false;
	int c, exit_now, nkind = 0;
	bool list_json = false;
	struct lgt_check_cli cli = {prog, usage, cfg, &lo, -1, false, false};
	bool lhreq = false, have_lhreq_opt = false, have_era = false;
	struct lg_lhreq_opts lho = {0};

	static char name[] = "lggen"; /* getopt's messages name the tool, not its path */
	argv[0] = name;
	if (!cfg) {
		fprintf(stderr, "%s: %s\n", prog, lg_strerror(LG_ERR_NOMEM));
		return 2;
	}
	while ((c = getopt_long(argc, argv, "o:W:E:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
				fprintf(stderr, "%s: --format '%s': expected text or json (with --list-checks)\n",
					prog, optarg);
				return 2;
			}
			list_json = strcmp(optarg, "json") == 0;
			break;
		case 'o':
			outpath = optarg;
			break;
		case OPT_PAGE:
		case OPT_AREA:
		case OPT_IMAGE:
			kind = c == OPT_PAGE ? LG_EMIT_PAGE : c == OPT_AREA ? LG_EMIT_AREA
									     : LG_EMIT_IMAGE;
			nkind++;
			break;
		case OPT_LHREQ:
			lhreq = true;
			nkind++;
			break;
		case OPT_GUEST_BASE:
		case OPT_START:
		case OPT_PGDIR: {
			uint64_t v;
			const char *opt = c == OPT_GUEST_BASE ? "--guest-base"
					  : c == OPT_START    ? "--start"
							      : "--pgdir";
			if (lgt_opt_size(prog, opt, optarg, &v) < 0)
				return 2;
			if (v > UINT32_MAX) {
				fprintf(stderr, "%s: %s %#llx: expected at most 0xffffffff (a 32-bit "
						"word)\n",
					prog, opt, (unsigned long long)v);
				return 2;
			}
			*(c == OPT_GUEST_BASE ? &lho.guest_base : c == OPT_START ? &lho.start
										: &lho.pgdir) = v;
			have_lhreq_opt = true;
			break;
		}
		case OPT_EVENTFD: {
			uint64_t v = 0;
			const char *d = optarg;
			while (*d >= '0' && *d <= '9' && v <= INT32_MAX)
				v = v * 10 + (uint64_t)(*d++ - '0');
			if (d == optarg || *d || v > INT32_MAX) {
				fprintf(stderr, "%s: --eventfd '%s': expected a file descriptor number "
						"0..2147483647\n",
					prog, optarg);
				return 2;
			}
			lho.eventfd = true;
			lho.eventfd_fd = (uint32_t)v;
			have_lhreq_opt = true;
			break;
		}
		case OPT_ERA:
			if (lgt_opt_era(prog, optarg, &lo.era) < 0)
				return 2;
			have_era = true;
			break;
		case OPT_CMDLINE:
			cmdline = optarg;
			break;
		case OPT_MEM:
			if (lgt_opt_size(prog, "--mem", optarg, &mem) < 0)
				return 2;
			if (mem == 0 || mem % LG_PAGE_SIZE) {
				fprintf(stderr, "%s: --mem %#llx: expected a non-zero multiple of 4096\n",
					prog, (unsigned long long)mem);
				return 2;
			}
			if (mem > UINT64_MAX / 2) {
				fprintf(stderr, "%s: --mem %#llx: expected less than 2^63 "
						"(0x8000000000000000)\n",
					prog, (unsigned long long)mem);
				return 2;
			}
			have_mem = true;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_DECODE:
			do_decode = true;
			break;
		default:
			if ((exit_now = lgt_check_option(&cli, c, optarg)) >= 0)
				return exit_now;
		}
	}
	if (cli.list)
		return lgt_list_checks(stdout, list_json) < 0 ? 2 : 0;
	const char *path = lgt_one_input(prog, argc, argv, optind, usage);
	if (!path)
		return 2;
	static char *file; /* as shown: one printable line; static: reachable to the end */
	file = lgt_name_text(path);
	lo.iopts.name = file;
	if (nkind > 1) {
		fprintf(stderr, "%s: give at most one of --page, --area, --image and --lhreq\n", prog);
		return 2;
	}
	if (have_lhreq_opt && !lhreq) {
		fprintf(stderr, "%s: --guest-base, --start, --pgdir and --eventfd apply to --lhreq "
				"only\n",
			prog);
		return 2;
	}
	if (do_decode) {
		if (nkind || cmdline || force) {
			fprintf(stderr, "%s: --decode writes a spec: --page, --area, --image, "
					"--lhreq, --cmdline and --force do not apply\n",
				prog);
			return 2;
		}
		return decode(path, file, &lo, have_mem, mem, outpath);
	}
	if (lo.have_base || lo.have_page || lo.iopts.force_raw || have_era) {
		fprintf(stderr, "%s: --base, --page-addr, --raw and --era apply to --decode only\n",
			prog);
		return 2;
	}
	if (!outpath) {
		fprintf(stderr, "%s: no output file given (-o OUT)\n", prog);
		return 2;
	}
	if (cmdline && kind != LG_EMIT_IMAGE) {
		fprintf(stderr, "%s: --cmdline applies to --image only\n", prog);
		return 2;
	}

	size_t len = 0;
	char *text = read_spec(path, &len);
	if (!text)
		return 2;
	/* Diagnostics go where a compiler's go: stderr, in a compiler's shape. */
	bool use_color = cli.color < 0 ? lgt_use_color(stderr) : cli.color;
	if (len > LG_SPEC_MAX_SIZE) {
		fprintf(stderr, "%s:1:1: error: more than %u MiB: too large for a layout spec\n",
			file, LG_SPEC_MAX_SIZE >> 20);
		free(text);
		return 1;
	}
	struct lg_spec_opts so = {force ? LG_SPEC_LAX : 0, have_mem ? mem : 0};
	struct lg_layout l;
	struct lgt_spec_report rep = {stderr, file, use_color, 0, 0, 0, 0};
	int rc = lg_spec_load_each(text, len, &so, &l, lgt_spec_sink, &rep);
	lgt_spec_report_end(&rep);
	if (rc < 0) {
		free(text);
		return rc == LG_ERR_NOMEM || rc == LG_ERR_PARAM ? 2 : 1;
	}

	struct lgt_findings fs = {0};
	struct lg_check_stats st;
	struct lg_error why = {0};
	rc = lg_check_layout(&l, NULL, cfg, lgt_collect, &fs, &st, &why);
	lg_check_config_free(cfg);
	cfg = NULL;
	if (rc < 0 || fs.nomem) {
		fprintf(stderr, "%s: %s: checking failed: %s\n", prog, file,
			rc < 0 ? why.msg : lg_strerror(LG_ERR_NOMEM));
		lgt_findings_free(&fs);
		lg_layout_free(&l);
		free(text);
		return 2;
	}
	/* Each finding at the device, queue or key of the spec that made it. */
	lgt_print_spec_findings(stderr, file, text, len, &fs, use_color);
	free(text);
	if (!cli.quiet && fs.n)
		lgt_print_summary(stderr, file, &st);
	lgt_findings_free(&fs);
	if (st.errors && !force) {
		if (!cli.quiet)
			fprintf(stderr, "%s: %s: the layout has errors; nothing written (--force "
					"writes it anyway)\n",
				prog, file);
		lg_layout_free(&l);
		return 1;
	}

	if (lhreq) {
		int ret = write_lhreq(file, &l, &lho, outpath, path);
		lg_layout_free(&l);
		return ret;
	}
	uint64_t size;
	rc = lg_emit_size(&l, kind, &size);
	if (rc < 0) {
		if (kind == LG_EMIT_IMAGE && l.page_addr != l.mem)
			fprintf(stderr, "%s: %s: an image needs the page at the top of RAM (mem "
					"%#llx), not at %#llx\n",
				prog, file, (unsigned long long)l.mem,
				(unsigned long long)l.page_addr);
		else if (kind == LG_EMIT_IMAGE && l.mem < 2 * LG_PAGE_SIZE)
			fprintf(stderr, "%s: %s: an image needs at least 8 KiB of RAM for the zero "
					"page and the command line\n",
				prog, file);
		else
			fprintf(stderr, "%s: %s: cannot size the output: %s\n", prog, file,
				lg_strerror(rc));
		lg_layout_free(&l);
		return 2;
	}
	if (kind == LG_EMIT_IMAGE && cmdline && strlen(cmdline) >= l.mem - LG_BOOT_CMDLINE_ADDR) {
		fprintf(stderr, "%s: --cmdline of %zu bytes does not fit below the top of RAM\n",
			prog, strlen(cmdline));
		lg_layout_free(&l);
		return 2;
	}
	struct lgt_out o;
	if (lgt_out_open(&o, prog, outpath, path) < 0) {
		lg_layout_free(&l);
		return 2;
	}
	int ret = 0;
	if ((rc = lg_emit(&l, kind, cmdline, sink, &o)) < 0) {
		if (rc != LG_ERR_IO) /* the sink said why */
			fprintf(stderr, "%s: %s: cannot emit: %s\n", prog, file, lg_strerror(rc));
		ret = 2;
	}
	if (ret)
		lgt_out_abort(&o);
	else if (lgt_out_commit(&o, size) < 0)
		ret = 2;
	lg_layout_free(&l);
	return ret;
}
