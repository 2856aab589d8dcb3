/* image_kdump.c — kdump backend (placeholder until the diskdump reader lands). */
#include "image_priv.h"

int lg_image_open_kdump(const char *path, const uint8_t *map, size_t len, struct lg_image **out,
			struct lg_error *err)
{
	(void)map;
	(void)len;
	*out = NULL;
	return lg_fail(err, LG_ERR_UNSUPPORTED, "%s: kdump files are not supported yet (use --raw)",
		       path);
}
