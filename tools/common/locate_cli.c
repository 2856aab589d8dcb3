/* SPDX-License-Identifier: MIT */
/* locate_cli.c — open a dump and decode its descriptor page, as lgcheck does. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "locate_cli.h"

static int decode(const char *prog, const char *file, struct lgt_located *out, uint64_t addr,
		  enum lg_era era)
{
	struct lg_error why = {0};
	int rc = lg_decode_image_era(out->img, addr, era, &out->l, &why);
	if (rc < 0) {
		lgt_errorf(prog, "%s: cannot decode the page at %#llx: %s", file,
			(unsigned long long)addr, why.msg);
		return -1;
	}
	return 0;
}

/* "device[0] (net) vq[1] at pfn 0x4, …": the rings g lists. */
static void list_rings(char *buf, size_t n, const struct lg_layout *l, const struct lg_base_guess *g)
{
	size_t used = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < g->ndisagree && i < LG_GUESS_LIST && used < n; i++) {
		const char *tn = lg_type_name(l->dev[g->disagree[i].d].type);
		int k = snprintf(buf + used, n - used, "%sdevice[%zu] (%s) vq[%u] at pfn %#x", i ? ", " : "",
				 g->disagree[i].d, tn ? tn : "unknown", g->disagree[i].q,
				 g->disagree[i].pfn);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	if (used < n && g->ndisagree > LG_GUESS_LIST)
		snprintf(buf + used, n - used, " and %u more", g->ndisagree - LG_GUESS_LIST);
}

static int find_page(const char *prog, const char *file, const struct lgt_locate_opts *o,
		     struct lgt_located *out, uint64_t *page_addr)
{
	struct lg_error err = {0};
	*page_addr = o->page_addr;
	out->src = LG_PAGE_FROM_OPTION;
	if (o->have_page)
		return 0;
	if (o->finder) {
		int r = o->finder(o->finder_ctx, file, out->img, page_addr);
		if (r < 0)
			return -1;
		if (r > 0) {
			out->src = LG_PAGE_FROM_SCAN;
			return 0;
		}
	}
	if (lg_locate_page(out->img, page_addr, &out->src, &err) < 0) {
		lgt_errorf(prog, "%s: cannot locate the descriptor page: %s", file, err.msg);
		return -1;
	}
	return 0;
}

/* A stream ("-", a pipe, /dev/stdin on one, process substitution) can be read once: copy it
 * (lg_spool_stream) and open the copy, through /proc/self/fd, each time the image is opened.
 * Returns the path to open (path itself for a file), or NULL after printing why. */
static const char *open_input(const char *prog, const char *path, const char *file,
			      struct lgt_located *out)
{
	struct stat st;
	struct lg_error err = {0};
	path = lgt_input_path(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 ||
	    !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode))) {
		if (fd >= 0)
			close(fd);
		return path; /* lg_image_open says what is wrong with it, if anything */
	}
	out->spool_fd = lg_spool_stream(fd, file, &err);
	close(fd);
	if (out->spool_fd < 0) {
		lgt_errorf(prog, "%s", err.msg);
		return NULL;
	}
	snprintf(out->spool_path, sizeof out->spool_path, "/proc/self/fd/%d", out->spool_fd);
	return out->spool_path;
}

static void close_input(struct lgt_located *out)
{
	if (out->spool_fd >= 0)
		close(out->spool_fd);
	out->spool_fd = -1;
}

int lgt_open_layout(const char *prog, const char *path, const struct lgt_locate_opts *o,
		    struct lgt_located *out)
{
	const char *file = o->iopts.name ? o->iopts.name : path; /* for messages */
	struct lg_image_opts iopts = o->iopts;
	struct lg_error err = {0};
	uint64_t page_addr;

	out->img = NULL;
	out->inferred = false;
	out->spool_fd = -1;
	if (!(path = open_input(prog, path, file, out)))
		return -1;
	if (lg_image_open(path, &iopts, &out->img, &err) < 0) {
		lgt_errorf(prog, "%s", err.msg);
		close_input(out);
		return -1;
	}
	lgt_guard_mapped_reads(prog, file, out->img);
	if (find_page(prog, file, o, out, &page_addr) < 0)
		goto fail;
	if (lg_image_backed(out->img, page_addr, 1) == 0) {
		uint64_t a, len;
		char first[96] = "";
		if (lg_image_range(out->img, 0, &a, &len) == 0)
			snprintf(first, sizeof first, " (its first range is [%#llx, %#llx))",
				 (unsigned long long)a, (unsigned long long)(a + len));
		lgt_errorf(prog, "%s: the page address %#llx is not in the image%s", file,
			   (unsigned long long)page_addr, first);
		goto fail;
	}
	if (decode(prog, file, out, page_addr, o->era) < 0)
		goto fail;
	/* A raw file with no base and no zero page: a bare page or a device area.  Its
	 * rings tell where the Launcher put it: they follow the page, one after the other. */
	struct lg_base_guess g = {0};
	if ((out->src == LG_PAGE_FROM_FIRST_BYTE || out->src == LG_PAGE_FROM_SCAN) && !o->have_base &&
	    lg_image_kind(out->img) == LG_IMAGE_RAW && page_addr == 0) {
		int rc = lg_infer_base(&out->l, &g);
		if (rc == LG_ERR_NOMEM) {
			lgt_errorf(prog, "%s: %s", file, lg_strerror(rc));
			lg_layout_free(&out->l);
			goto fail;
		}
		if (rc < 0 && g.rings) {
			char list[512];
			list_rings(list, sizeof list, &out->l, &g);
			lgt_errorf(prog,
				"%s: cannot tell where the page is: its %u rings do not agree on "
				"one address, at most %u of them name the same (%s); give --base ADDR",
				file, g.rings, g.agree, list);
			lg_layout_free(&out->l);
			goto fail;
		}
		if (rc < 0 || g.page_addr == 0)
			goto located; /* no ring to go by: the page stays at 0 */
		uint64_t guess = g.page_addr;
		lg_layout_free(&out->l);
		lg_image_close(out->img);
		out->img = NULL;
		iopts.base = guess;
		if (lg_image_open(path, &iopts, &out->img, &err) < 0) {
			lgt_errorf(prog, "%s", err.msg);
			close_input(out);
			return -1;
		}
		lgt_guard_mapped_reads(prog, file, out->img);
		out->inferred = true;
		if (decode(prog, file, out, guess, o->era) < 0)
			goto fail;
	}
located:;
	struct lg_note note;
	if (lg_image_note(out->img, &note)) {
		if (note.mem) /* 0: the note does not know; the page's address stands in */
			out->l.mem = note.mem;
		out->l.pfn_limit = note.pfn_limit;
	}
	out->page_source = lg_page_source_name(out->src);
	out->inference[0] = 0;
	if (out->inferred) {
		char list[512] = "";
		if (g.ndisagree)
			list_rings(list, sizeof list, &out->l, &g);
		snprintf(out->inference, sizeof out->inference,
			 "base %#llx inferred from the rings: %u of %u agree%s%s%s",
			 (unsigned long long)g.page_addr, g.agree, g.rings, g.ndisagree ? " (" : "",
			 list, !g.ndisagree ? "" : g.ndisagree == 1 ? " does not)" : " do not)");
		snprintf(out->source_buf, sizeof out->source_buf, "%s (%s)",
			 out->src == LG_PAGE_FROM_SCAN ? "scan" : "first byte of the file",
			 out->inference);
		out->page_source = out->source_buf;
	}
	return 0;
fail:
	lg_image_close(out->img);
	out->img = NULL;
	close_input(out);
	return -1;
}

void lgt_located_free(struct lgt_located *lo)
{
	lg_layout_free(&lo->l);
	lg_image_close(lo->img);
	lo->img = NULL;
	close_input(lo);
}
