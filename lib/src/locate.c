/* SPDX-License-Identifier: MIT */
/* locate.c — finding the descriptor page in an image (note, e820, lowest address). */
#include "image_priv.h"
#include "names_priv.h"

const char *lg_page_source_name(enum lg_page_source src)
{
	static const char *const names[] = {
		[LG_PAGE_FROM_OPTION] = "--page-addr",	 [LG_PAGE_FROM_NOTE] = "lgkit note",
		[LG_PAGE_FROM_E820] = "zero page e820 entry",
		[LG_PAGE_FROM_FIRST_BYTE] = "first byte of the image", [LG_PAGE_FROM_SCAN] = "scan"};
	return LG_NAME_IN(names, src, "unknown");
}

/* The boot header the Launcher writes into the zero page (docs/abi.md §4): hdr.version 0x207
 * or later and hardware_subarch 1 (lguest). */
static bool looks_like_zero_page(const struct lg_image *img)
{
	uint8_t v[2], s[4];
	return lg_image_read(img, LG_BP_HDR_VERSION, v, 2, NULL) == 0 &&
	       lg_image_read(img, LG_BP_HARDWARE_SUBARCH, s, 4, NULL) == 0 && lg_le16(v) >= 0x207 &&
	       lg_le32(s) == 1;
}

/* The e820 RAM entry that starts at 0, as the Launcher wrote it (docs/abi.md §4). */
static int e820_mem(const struct lg_image *img, uint64_t *mem, struct lg_error *err)
{
	uint8_t nent;
	struct lg_error why = {0};
	int rc = lg_image_read(img, LG_BP_E820_ENTRIES, &nent, 1, &why);
	if (rc < 0) /* say why: a page that does not decode is not a missing page */
		return lg_fail(err, LG_ERR_NOTFOUND, "its zero page cannot be read: %s",
			       rc != LG_ERR_NOT_IN_IMAGE ? why.msg : lg_strerror(rc));
	if (nent == 0 || nent > LG_BP_E820_MAX)
		return lg_fail(err, LG_ERR_NOTFOUND,
			       "zero page e820_entries at 0x1e8 is %u, expected 1..128", nent);
	for (unsigned i = 0; i < nent; i++) {
		uint8_t e[LG_BP_E820_ENTRY_SIZE];
		rc = lg_image_read(img, LG_BP_E820_MAP + i * LG_BP_E820_ENTRY_SIZE, e, sizeof e, &why);
		if (rc < 0)
			return lg_fail(err, LG_ERR_NOTFOUND, "zero page e820_map[%u] cannot be read: %s",
				       i, why.msg);
		uint64_t addr = lg_le64(e), size = lg_le64(e + 8);
		uint32_t type = lg_le32(e + 16);
		if (type == LG_E820_RAM && addr == 0 && size) {
			if (size % LG_PAGE_SIZE)
				return lg_fail(err, LG_ERR_NOTFOUND,
					       "zero page e820_map[%u] size %#llx is not page aligned",
					       i, (unsigned long long)size);
			*mem = size;
			return 0;
		}
	}
	return lg_fail(err, LG_ERR_NOTFOUND,
		       "zero page has no e820 RAM entry starting at address 0 (%u entries)", nent);
}

int lg_locate_page(const struct lg_image *img, uint64_t *page_addr, enum lg_page_source *src,
		   struct lg_error *err)
{
	struct lg_note note;
	uint64_t mem = 0;
	struct lg_error why = {0};

	if (lg_image_note(img, &note)) {
		*page_addr = note.page_addr;
		*src = LG_PAGE_FROM_NOTE;
		return 0;
	}
	if (img->nranges == 0)
		return lg_fail(err, LG_ERR_NOTFOUND, "the image holds no memory");
	if (img->ranges[0].gpa == 0) {
		if (e820_mem(img, &mem, &why) == 0) {
			if (!lg_image_covers(img, mem, 1))
				return lg_fail(err, LG_ERR_NOTFOUND,
					       "the e820 entry puts the page at %#llx (top of RAM), "
					       "which the image does not hold",
					       (unsigned long long)mem);
			*page_addr = mem;
			*src = LG_PAGE_FROM_E820;
			return 0;
		}
		/* A zero page without a usable entry: a dump that starts at 0 but is not
		 * ours to guess about.  Say why, rather than decode RAM as a page.  A raw file
		 * may be a bare page or device area instead, unless its first page carries the
		 * boot header the Launcher writes (hdr.version, lguest's hardware_subarch). */
		if ((img->kind != LG_IMAGE_RAW && img->kind != LG_IMAGE_MEMORY) ||
		    looks_like_zero_page(img))
			return lg_fail(err, LG_ERR_NOTFOUND,
				       "the image covers address 0 but %s; give --page-addr or --scan",
				       why.msg);
	}
	/* The lowest address is a guess: take it only when a device starts there (an
	 * empty page, an all-zero or sparse file, is no page found). */
	uint8_t first = 0;
	int rc = lg_image_read(img, img->ranges[0].gpa, &first, 1, &why);
	if (rc < 0)
		return lg_fail(err, rc, "reading the first byte at %#llx: %s",
			       (unsigned long long)img->ranges[0].gpa, why.msg);
	if (first == 0)
		return lg_fail(err, LG_ERR_NOTFOUND,
			       "the image's first byte, at 0x%llx, is 0: no device starts there%s%s%s; "
			       "give --page-addr or --scan",
			       (unsigned long long)img->ranges[0].gpa,
			       img->ranges[0].gpa == 0 ? ", and no zero page tells where the page is (" : "",
			       img->ranges[0].gpa == 0 ? why.msg : "", img->ranges[0].gpa == 0 ? ")" : "");
	*page_addr = img->ranges[0].gpa;
	*src = LG_PAGE_FROM_FIRST_BYTE;
	return 0;
}
