/* SPDX-License-Identifier: MIT */
/* common.c — shared pieces of the lgkit command-line tools. */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "lgkit/spec.h"

#include "common.h"
#include "locate_cli.h"
#include "output.h"

int lgt_apply_flag(struct lg_check_config *cfg, char opt, const char *arg, const char *prog)
{
	bool off = opt == 'W' && strncmp(arg, "no-", 3) == 0;
	const char *name = off ? arg + 3 : arg;
	int id = lg_check_lookup(name);
	if (id < 0) {
		fprintf(stderr, "%s: -%c %s: no check named '%s' (see --list-checks)\n", prog, opt,
			arg, name);
		return -1;
	}
	return lg_check_config_set(cfg, (enum lg_check_id)id,
				   off ? LG_SEV_OFF : opt == 'E' ? LG_SEV_ERROR : LG_SEV_WARNING) < 0
		       ? -1
		       : 0;
}

int lgt_list_checks(FILE *out, bool json)
{
	if (!json) {
		for (unsigned i = 0; i < lg_check_count(); i++) {
			const struct lg_check_info *ci = lg_check_info((enum lg_check_id)i);
			fprintf(out, "%-20s %c %-7s %s\n", ci->name, ci->section,
				lg_severity_name(ci->severity), ci->summary);
		}
		return 0;
	}
	/* JSON: an array of {name, section, severity, summary}, one entry a check. */
	cJSON *a = cJSON_CreateArray();
	for (unsigned i = 0; a && i < lg_check_count(); i++) {
		const struct lg_check_info *ci = lg_check_info((enum lg_check_id)i);
		char sec[2] = {ci->section, 0};
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(a, o) || !cJSON_AddStringToObject(o, "name", ci->name) ||
		    !cJSON_AddStringToObject(o, "section", sec) ||
		    !cJSON_AddStringToObject(o, "severity", lg_severity_name(ci->severity)) ||
		    !cJSON_AddStringToObject(o, "summary", ci->summary)) {
			cJSON_Delete(a);
			a = NULL;
		}
	}
	char *s = a ? cJSON_Print(a) : NULL;
	cJSON_Delete(a);
	if (!s)
		return -1;
	fprintf(out, "%s\n", s);
	cJSON_free(s);
	return 0;
}

void lgt_try_help(const char *prog)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}

int lgt_check_option(struct lgt_check_cli *cli, int c, const char *arg)
{
	const char *prog = cli->prog;
	switch (c) {
	case LGT_OPT_BASE:
		if (lgt_opt_size(prog, "--base", arg, &cli->lo->iopts.base) < 0)
			return 2;
		cli->lo->have_base = true;
		return -1;
	case LGT_OPT_PAGE_ADDR:
		if (lgt_opt_page_addr(prog, arg, &cli->lo->page_addr) < 0)
			return 2;
		cli->lo->have_page = true;
		return -1;
	case LGT_OPT_RAW:
		cli->lo->iopts.force_raw = true;
		return -1;
	case LGT_OPT_COLOR:
		return lgt_opt_color(prog, arg, &cli->color) < 0 ? 2 : -1;
	case LGT_OPT_LIST:
		cli->list = true;
		return -1;
	case 'W':
	case 'E':
		return lgt_apply_flag(cli->cfg, (char)c, arg, prog) < 0 ? 2 : -1;
	case 'q':
		cli->quiet = true;
		return -1;
	case 'h':
		cli->usage(stdout);
		return 0;
	case 'V':
		printf("%s (lgkit) %s\n", prog, LGKIT_VERSION);
		return 0;
	default:
		lgt_try_help(prog);
		return 2;
	}
}

int lgt_collect(void *ctx, const struct lg_finding *f)
{
	struct lgt_findings *fs = ctx;
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		struct lg_finding *n = realloc(fs->f, cap * sizeof *n);
		if (!n) {
			fs->nomem = true;
			return 1;
		}
		fs->f = n;
		fs->cap = cap;
	}
	fs->f[fs->n++] = *f;
	return 0;
}

void lgt_findings_free(struct lgt_findings *fs)
{
	free(fs->f);
	memset(fs, 0, sizeof *fs);
}

int lgt_parse_format(const char *s, enum lgt_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = LGT_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = LGT_JSON;
	else if (strcmp(s, "sarif") == 0)
		*out = LGT_SARIF;
	else
		return -1;
	return 0;
}

bool lgt_use_color(FILE *out)
{
	const char *term = getenv("TERM"), *no = getenv("NO_COLOR");
	/* no-color.org: NO_COLOR set to a non-empty value turns colour off; empty is unset. */
	return isatty(fileno(out)) && !(no && *no) && term && strcmp(term, "dumb") != 0;
}

const char *lgt_sev_color(enum lg_severity sev)
{
	return sev == LG_SEV_ERROR ? "\033[1;31m" : sev == LG_SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
}

void lgt_print_findings(FILE *out, const char *file, const struct lgt_findings *fs, bool color)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct lg_finding *f = &fs->f[i];
		const char *c0 = color ? lgt_sev_color(f->severity) : "", *c1 = color ? "\033[0m" : "";
		fprintf(out, "%s:%#llx: %s%s%s (%s): %s%s%s\n", file, (unsigned long long)f->addr,
			c0, lg_severity_name(f->severity), c1, f->name, f->where,
			f->where[0] ? ": " : "", f->msg);
	}
}

static const char *plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void lgt_print_summary(FILE *out, const char *file, const struct lg_check_stats *st)
{
	fprintf(out, "%s: %u %s, %u %s, %u %s\n", file, st->errors,
		plural(st->errors, "error", "errors"), st->warnings,
		plural(st->warnings, "warning", "warnings"), st->notes,
		plural(st->notes, "note", "notes"));
}

char *lgt_hex(const uint8_t *p, size_t len)
{
	char *s = malloc(len * 2 + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[len * 2] = 0;
	return s;
}

static void print_bits(FILE *out, const char *label, unsigned type, const uint8_t *bits,
		       uint8_t len)
{
	fprintf(out, "    %-8s", label);
	bool any = false;
	for (int b = lg_feature_next(bits, len, 0); b >= 0; b = lg_feature_next(bits, len, b + 1)) {
		const char *n = lg_feature_name(type, (unsigned)b);
		if (n)
			fprintf(out, " %s(%d)", n, b);
		else
			fprintf(out, " bit%d", b);
		any = true;
	}
	fprintf(out, "%s\n", any ? "" : " (none)");
}

static void print_status(FILE *out, uint8_t s)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} bits[] = {{1, "ACKNOWLEDGE"}, {2, "DRIVER"}, {4, "DRIVER_OK"}, {8, "FEATURES_OK"},
		    {0x40, "NEEDS_RESET"}, {0x80, "FAILED"}};
	fprintf(out, "0x%02x", s);
	const char *sep = " (";
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (s & bits[i].bit) {
			fprintf(out, "%s%s", sep, bits[i].name);
			sep = "|";
		}
	if (s & 0x30)
		fprintf(out, "%s0x%02x", sep, s & 0x30);
	if (s)
		fprintf(out, ")");
}

static void print_e0_slot(FILE *out, size_t d, const struct lg_device *dv)
{
	const struct lg_e0_slot *s = &dv->e0;
	const char *tn = lg_type_name(dv->type);
	fprintf(out,
		"device[%zu] %s: slot %u (irq %u, E0 type %u) features 0x%04x, status 0x%04x, "
		"num_pages %u, pfn %#x\n",
		d, tn ? tn : "unknown", s->slot, s->slot + 1u, s->type, s->features, s->status,
		s->num_pages, s->pfn);
	if (!s->page_read)
		return;
	if (s->type == LG_E0_BLOCK)
		fprintf(out, "    block page: %u sectors\n",
			lg_le32(s->page_head + LG_E0_BLOCK_NUM_SECTORS));
	else if (s->type == LG_E0_NET)
		fprintf(out, "    net page slot 0: %02x:%02x:%02x:%02x:%02x:%02x\n", s->page_head[0],
			s->page_head[1], s->page_head[2], s->page_head[3], s->page_head[4],
			s->page_head[5]);
}

static void print_e1_fields(FILE *out, const struct lg_device *dv)
{
	for (unsigned i = 0; i < dv->e1.nfields; i++) {
		const struct lg_e1_field *f = &dv->e1.field[i];
		fprintf(out, "  field[%u] at config +%u: type %#04x%s len %u%s", i, f->off, f->type,
			f->type & LG_E1_CONSUMED ? " (consumed)" : "", f->len,
			f->whole ? ":" : " [crosses config_len]");
		if (f->whole)
			for (unsigned b = 0; b < f->len; b++)
				fprintf(out, " %02x", dv->config[f->off + 2u + b]);
		fprintf(out, "\n");
	}
	for (unsigned q = 0; q < dv->vqs_present; q++)
		fprintf(out, "  vq[%u] num %u irq %u pfn %#x\n", q, dv->vq[q].num, dv->vq[q].irq,
			dv->vq[q].pfn);
}
/* The summary fields of a device's config that config_len covers ("(capacity 2048
 * sectors)", "(mac 02:...)"), from the library's device-type table. */
static void print_summary(FILE *out, const struct lg_device *dv)
{
	const struct lg_config_field *f;
	for (unsigned i = 0; (f = lg_config_field(dv->type, i)); i++) {
		const uint8_t *p = dv->config + f->off;
		if (!f->summary || f->off + f->size > dv->config_len)
			continue;
		fprintf(out, "  (%s ", f->name);
		switch (f->kind) {
		case LG_FIELD_MAC:
			fprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4],
				p[5]);
			break;
		case LG_FIELD_BYTES:
			for (unsigned k = f->off; k < dv->config_len; k++) {
				uint8_t ch = dv->config[k];
				if (ch >= 0x20 && ch < 0x7f && ch != '\\')
					fputc(ch, out);
				else
					fprintf(out, "\\x%02x", ch);
			}
			break;
		case LG_FIELD_U8:
			fprintf(out, "%u", p[0]);
			break;
		case LG_FIELD_U16:
			fprintf(out, "%u", lg_le16(p));
			break;
		case LG_FIELD_U32:
			fprintf(out, "%u", (unsigned)lg_le32(p));
			break;
		case LG_FIELD_U64:
			fprintf(out, "%llu", (unsigned long long)lg_le64(p));
			break;
		}
		fprintf(out, "%s%s)", f->unit ? " " : "", f->unit ? f->unit : "");
	}
}



void lgt_print_layout(FILE *out, const struct lg_layout *l)
{
	fprintf(out, "descriptor page at %#llx (pfn %#llx), RAM ends at %#llx", (unsigned long long)l->page_addr,
		(unsigned long long)(l->page_addr >> LG_PAGE_SHIFT), (unsigned long long)l->mem);
	if (l->pfn_limit)
		fprintf(out, ", pfn limit %#llx", (unsigned long long)l->pfn_limit);
	fprintf(out, "\nera %s (%s)\n", lg_era_name(l->era), lg_era_kernel(l->era));
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_device *dv = &l->dev[d];
		const char *tn = lg_type_name(dv->type);
		if (l->era == LG_ERA_E0) {
			print_e0_slot(out, d, dv);
			continue;
		}
		fprintf(out, "device[%zu] %s (type %u) at +%#x: %u vq, feature_len %u, config_len %u, "
			"%u bytes, status ",
			d, tn ? tn : "unknown", dv->type, dv->offset, dv->num_vq, dv->feature_len,
			dv->config_len,
			dv->size ? dv->size : lg_desc_size(dv->num_vq, dv->feature_len, dv->config_len));
		print_status(out, dv->status);
		fprintf(out, "%s\n", dv->truncated ? " [crosses the page end]" : "");
		if (l->era == LG_ERA_E1) {
			print_e1_fields(out, dv);
			continue;
		}
		for (unsigned q = 0; q < dv->vqs_present; q++) {
			struct lg_ring_geom g;
			lg_ring_geom(dv->vq[q].num, dv->vq[q].pfn, &g);
			fprintf(out, "  vq[%u] num %u irq %u pfn %#x", q, dv->vq[q].num, dv->vq[q].irq,
				dv->vq[q].pfn);
			if (dv->vq[q].num)
				fprintf(out, ": ring [%#llx, %#llx) desc %#llx avail %#llx used %#llx",
					(unsigned long long)g.desc, (unsigned long long)g.end,
					(unsigned long long)g.desc, (unsigned long long)g.avail,
					(unsigned long long)g.used);
			fprintf(out, "\n");
		}
		if (dv->feature_len) {
			print_bits(out, "offered", dv->type, dv->host_features, dv->feature_len);
			print_bits(out, "acked", dv->type, dv->guest_features, dv->feature_len);
		}
		if (dv->config_len) {
			fprintf(out, "    config  ");
			for (unsigned i = 0; i < dv->config_len; i++)
				fprintf(out, " %02x", dv->config[i]);
			print_summary(out, dv);
			fprintf(out, "\n");
		}
	}
	if (l->era == LG_ERA_E0)
		fprintf(out, "16 slots of 12 bytes end at +%#x\n", l->end);
	else if (l->terminated)
		fprintf(out, "terminator at +%#x\n", l->end);
	else
		fprintf(out, "no terminator: the walk stopped at +%#x\n", l->end);
}

int lgt_opt_size(const char *prog, const char *opt, const char *arg, uint64_t *out)
{
	if (lg_parse_size(arg, out) < 0) {
		fprintf(stderr, "%s: %s '%s': expected a number such as 0x2000000 or 32M\n", prog,
			opt, arg);
		return -1;
	}
	return 0;
}

int lgt_opt_page_addr(const char *prog, const char *arg, uint64_t *out)
{
	if (lgt_opt_size(prog, "--page-addr", arg, out) < 0)
		return -1;
	if (*out % LG_PAGE_SIZE) {
		fprintf(stderr, "%s: --page-addr %#llx is not a multiple of 4096\n", prog,
			(unsigned long long)*out);
		return -1;
	}
	return 0;
}

int lgt_opt_color(const char *prog, const char *arg, int *color)
{
	if (strcmp(arg, "auto") == 0)
		*color = -1;
	else if (strcmp(arg, "always") == 0)
		*color = 1;
	else if (strcmp(arg, "never") == 0)
		*color = 0;
	else {
		fprintf(stderr, "%s: --color '%s': expected auto, always or never\n", prog, arg);
		return -1;
	}
	return 0;
}

const char *lgt_one_input(const char *prog, int argc, char **argv, int next,
			  void (*usage)(FILE *))
{
	if (next == argc - 1)
		return argv[next];
	fprintf(stderr, "%s: %s\n", prog,
		next == argc ? "no input file given" : "expected exactly one input file");
	usage(stderr);
	return NULL;
}

int lgt_opt_era(const char *prog, const char *arg, enum lg_era *era)
{
	int e = lg_era_lookup(arg);
	if (e < 0) {
		fprintf(stderr, "%s: --era '%s': expected e0 (2.6.23), e1 (2.6.24) or e2\n", prog,
			arg);
		return -1;
	}
	*era = (enum lg_era)e;
	return 0;
}

/* ---------------------------------------------------------------- SIGBUS */

static struct {
	const char *prog, *name;
	const struct lg_image *img;
} guard;

static void put_str(char *buf, size_t *n, size_t cap, const char *s)
{
	while (*s && *n < cap)
		buf[(*n)++] = *s++;
}

static void put_hex(char *buf, size_t *n, size_t cap, uint64_t v)
{
	char d[16];
	int k = 0;
	do {
		d[k++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	put_str(buf, n, cap, "0x");
	while (k && *n < cap)
		buf[(*n)++] = d[--k];
}

/* Async-signal-safe: no stdio, no allocation. */
static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	char msg[1024];
	size_t n = 0;
	uint64_t off;
	put_str(msg, &n, sizeof msg, guard.prog);
	put_str(msg, &n, sizeof msg, ": ");
	put_str(msg, &n, sizeof msg, guard.name);
	if (lg_image_map_offset(guard.img, si->si_addr, &off)) {
		put_str(msg, &n, sizeof msg, ": the file shrank while it was read: offset ");
		put_hex(msg, &n, sizeof msg, off);
		put_str(msg, &n, sizeof msg, " is past its end now (was it re-written in place?)\n");
	} else {
		put_str(msg, &n, sizeof msg, ": bus error while reading the mapped file (did it "
					     "shrink while it was read?)\n");
	}
	lgt_out_unlink_pending();
	ssize_t w = write(STDERR_FILENO, msg, n);
	(void)w;
	_exit(2);
}

void lgt_guard_mapped_reads(const char *prog, const char *name, const struct lg_image *img)
{
	guard.prog = prog;
	guard.name = name;
	guard.img = img;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/* ---------------------------------------------------------------- file names */

/* The length of the valid UTF-8 sequence at p (1..4), or 0: overlong forms, surrogates
 * and code points above U+10FFFF are not valid. */
static size_t utf8_len(const unsigned char *p, uint32_t *cp)
{
	unsigned n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
					  : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (!n)
		return 0;
	uint32_t c = n == 1 ? p[0] : p[0] & (0x7fu >> n);
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3fu);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* A copy of name: json: invalid UTF-8 bytes become U+FFFD (cJSON escapes the controls);
 * text: control characters (C0, DEL, C1), invalid bytes and backslashes become \xNN or
 * \\, so that a name is one line of printable text.  Never NULL (exits on no memory). */
static char *name_copy(const char *name, bool json)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name);
	char *out = malloc(len * 4 + 1), *o = out;
	if (!out) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	while (*p) {
		uint32_t cp = 0;
		size_t n = utf8_len(p, &cp);
		if (json) {
			if (n) {
				memcpy(o, p, n);
				o += n, p += n;
			} else {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3, p++;
			}
		} else if (n && cp >= 0x20 && cp != 0x7f && cp != '\\' && !(cp >= 0x80 && cp < 0xa0)) {
			memcpy(o, p, n);
			o += n, p += n;
		} else if (n == 1 && cp == '\\') {
			*o++ = '\\', *o++ = '\\', p++;
		} else {
			size_t k = n ? n : 1; /* a C1 control's bytes, or one invalid byte */
			for (size_t i = 0; i < k; i++, p++)
				o += sprintf(o, "\\x%02x", *p);
		}
	}
	*o = 0;
	return out;
}

char *lgt_name_text(const char *name)
{
	return name_copy(name, false);
}

char *lgt_name_json(const char *name)
{
	return name_copy(name, true);
}

/* ---------------------------------------------------------------- failures */

static char last_error[1024];

void lgt_errorf(const char *prog, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prog, last_error);
}

const char *lgt_last_error(void)
{
	return last_error;
}

void lgt_clear_error(void)
{
	last_error[0] = 0;
}

const char *lgt_input_path(const char *arg)
{
	return strcmp(arg, "-") == 0 ? "/dev/stdin" : arg;
}
