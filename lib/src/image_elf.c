/* image_elf.c — ELF core backend (placeholder until the libelf reader lands). */
#include "image_priv.h"

int lg_image_open_elf(const char *path, const uint8_t *map, size_t len, struct lg_image **out,
		      struct lg_error *err)
{
	(void)map;
	(void)len;
	*out = NULL;
	return lg_fail(err, LG_ERR_UNSUPPORTED, "%s: ELF cores are not supported yet (use --raw)",
		       path);
}
