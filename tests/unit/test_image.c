/* SPDX-License-Identifier: MIT */
/* test_image — raw images: reads across holes never succeed, bad files get one clear
 * error, and the decoder is safe for truncated and hostile pages. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lgkit/lgkit.h"
#include "testutil.h"

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(buf, 1, len, f);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char path[4096];
	struct lg_image *img = NULL;
	struct lg_error err = {0};
	uint8_t buf[8192];

	/* Memory images: exact range semantics. */
	memset(buf, 0xab, sizeof buf);
	EXPECT(lg_image_from_memory(buf, 4096, 0x2000000, &img) == 0, "from memory");
	EXPECT(lg_image_covers(img, 0x2000000, 4096), "covers the page");
	EXPECT(!lg_image_covers(img, 0x2000000, 4097), "not one byte more");
	EXPECT(!lg_image_covers(img, 0x1ffffff, 2), "not one byte before");
	EXPECT(lg_image_backed(img, 0x2000ffc, 100) == 4, "4 bytes backed at the end");
	uint8_t x[8];
	EXPECT(lg_image_read(img, 0x2000ffc, x, 8, NULL) == LG_ERR_NOT_IN_IMAGE, "read past end");
	EXPECT(lg_image_read(img, UINT64_MAX - 2, x, 8, NULL) == LG_ERR_OVERFLOW, "wrap");
	EXPECT(lg_image_covers(img, UINT64_MAX, 2) == false, "wrap covers");
	lg_image_close(img);
	EXPECT(lg_image_from_memory(buf, 16, UINT64_MAX - 8, &img) == LG_ERR_OVERFLOW,
	       "base + len wraps");

	/* Files: missing, empty, directory, absurd base. */
	snprintf(path, sizeof path, "%s/no-such-file.bin", dir);
	EXPECT(lg_image_open(path, NULL, &img, &err) == LG_ERR_IO && !img, "missing");
	EXPECT(strstr(err.msg, "cannot open") != NULL, "message: %s", err.msg);
	snprintf(path, sizeof path, "%s/empty.bin", dir);
	write_file(path, "", 0);
	EXPECT(lg_image_open(path, NULL, &img, &err) == LG_ERR_TRUNCATED, "empty");
	EXPECT(strstr(err.msg, "file is empty") != NULL, "message: %s", err.msg);
	EXPECT(lg_image_open(dir, NULL, &img, &err) == LG_ERR_IO, "directory");
	EXPECT(strstr(err.msg, "not a regular file") != NULL, "message: %s", err.msg);
	snprintf(path, sizeof path, "%s/one.bin", dir);
	write_file(path, "\x03", 1);
	struct lg_image_opts o = {.base = UINT64_MAX - 10};
	EXPECT(lg_image_open(path, &o, &img, &err) == 0, "1 byte at the top fits");
	lg_image_close(img);
	write_file(path, buf, 100);
	EXPECT(lg_image_open(path, &o, &img, &err) == LG_ERR_OVERFLOW, "100 bytes do not");
	EXPECT(strstr(err.msg, "passes the end") != NULL, "message: %s", err.msg);

	/* Decoder: a 1-byte page, a page of 0xff, every truncation of a real-looking page. */
	struct lg_layout l;
	uint8_t one = 3;
	EXPECT(lg_decode_page(&one, 1, 0, &l) == 0 && l.ndev == 1 && l.dev[0].truncated,
	       "1-byte page");
	lg_layout_free(&l);
	memset(buf, 0xff, 4096);
	EXPECT(lg_decode_page(buf, 4096, 0, &l) == 0 && l.ndev == 2 && l.overflowed && l.dev[1].offset == 2810,
	       "0xff page: two 2810-byte descriptors, the second crossing the end");
	lg_layout_free(&l);
	memset(buf, 0, 4096);
	buf[0] = 3, buf[1] = 2, buf[5] = 0, buf[6] = 1; /* console, vq0 num 256 */
	for (size_t n = 0; n <= 4096; n++) {
		EXPECT(lg_decode_page(buf, n, 0x2000000, &l) == 0, "truncated to %zu", n);
		EXPECT(l.page_len == n, "page_len");
		lg_layout_free(&l);
	}
	EXPECT(lg_decode_page(NULL, 5, 0, &l) == LG_ERR_PARAM, "NULL bytes");
	return t_done("test_image");
}
