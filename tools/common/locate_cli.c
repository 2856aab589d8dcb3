/* locate_cli.c — open a dump and decode its descriptor page, as lgcheck does. */
#include <stdio.h>

#include "locate_cli.h"

static int decode(const char *prog, const char *file, struct lgt_located *out, uint64_t addr,
		  enum lg_era era)
{
	int rc = lg_decode_image_era(out->img, addr, era, &out->l);
	if (rc < 0) {
		const char *why = lg_image_error(out->img);
		fprintf(stderr, "%s: %s: cannot decode the page at %#llx: %s\n", prog, file,
			(unsigned long long)addr, why ? why : lg_strerror(rc));
		return -1;
	}
	return 0;
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
		fprintf(stderr, "%s: %s: cannot locate the descriptor page: %s\n", prog, file,
			err.msg);
		return -1;
	}
	return 0;
}

int lgt_open_layout(const char *prog, const char *file, const struct lgt_locate_opts *o,
		    struct lgt_located *out)
{
	struct lg_image_opts iopts = o->iopts;
	struct lg_error err = {0};
	uint64_t page_addr;

	out->img = NULL;
	out->inferred = false;
	if (lg_image_open(file, &iopts, &out->img, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		return -1;
	}
	if (find_page(prog, file, o, out, &page_addr) < 0)
		goto fail;
	if (lg_image_backed(out->img, page_addr, 1) == 0) {
		uint64_t a, len;
		fprintf(stderr, "%s: %s: the page address %#llx is not in the image", prog, file,
			(unsigned long long)page_addr);
		if (lg_image_range(out->img, 0, &a, &len) == 0)
			fprintf(stderr, " (its first range is [%#llx, %#llx))",
				(unsigned long long)a, (unsigned long long)(a + len));
		fprintf(stderr, "\n");
		goto fail;
	}
	if (decode(prog, file, out, page_addr, o->era) < 0)
		goto fail;
	/* A raw file with no base and no zero page: a bare page or a device area.  Its
	 * rings tell where the Launcher put it (one page below the first ring). */
	uint64_t guess;
	if ((out->src == LG_PAGE_FROM_FIRST_BYTE || out->src == LG_PAGE_FROM_SCAN) && !o->have_base &&
	    lg_image_kind(out->img) == LG_IMAGE_RAW && page_addr == 0 &&
	    lg_infer_page_addr(&out->l, &guess) == 0 && guess > 0) {
		lg_layout_free(&out->l);
		lg_image_close(out->img);
		out->img = NULL;
		iopts.base = guess;
		if (lg_image_open(file, &iopts, &out->img, &err) < 0) {
			fprintf(stderr, "%s: %s\n", prog, err.msg);
			return -1;
		}
		out->inferred = true;
		if (decode(prog, file, out, guess, o->era) < 0)
			goto fail;
	}
	struct lg_note note;
	if (lg_image_note(out->img, &note)) {
		if (note.mem) /* 0: the note does not know; the page's address stands in */
			out->l.mem = note.mem;
		out->l.pfn_limit = note.pfn_limit;
	}
	out->page_source = !out->inferred ? lg_page_source_name(out->src)
			   : out->src == LG_PAGE_FROM_SCAN
				   ? "scan (base inferred from the lowest ring)"
				   : "first byte of the file (base inferred from the lowest ring)";
	return 0;
fail:
	lg_image_close(out->img);
	out->img = NULL;
	return -1;
}

void lgt_located_free(struct lgt_located *lo)
{
	lg_layout_free(&lo->l);
	lg_image_close(lo->img);
	lo->img = NULL;
}
