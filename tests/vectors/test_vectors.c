/* SPDX-License-Identifier: MIT */
/* test_vectors — every real-Launcher page and device area passes lgcheck with no errors
 * and no warnings, and lgcheck's JSON devices equal manifest.json field by field.
 * usage: test_vectors LGCHECK VECTORS_DIR   (exit 77 when VECTORS_DIR is absent) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>

#include "testutil.h"

static char *slurp_cmd(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 1 << 16, n = 0;
	char *s = malloc(cap);
	if (!p || !s) {
		free(s);
		return NULL;
	}
	size_t got;
	while ((got = fread(s + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			s = realloc(s, cap);
		}
	}
	s[n] = 0;
	*status = pclose(p);
	return s;
}

static char *slurp_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)len + 1);
	if (s && fread(s, 1, (size_t)len, f) != (size_t)len) {
		free(s);
		s = NULL;
	}
	if (s)
		s[len] = 0;
	fclose(f);
	return s;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "(missing)";
}

static void compare(const char *file, const cJSON *want, const cJSON *got)
{
	int nw = cJSON_GetArraySize(want), ng = cJSON_GetArraySize(got);
	EXPECT(nw == ng, "%s: %d devices, manifest has %d", file, ng, nw);
	for (int d = 0; d < nw && d < ng; d++) {
		const cJSON *w = cJSON_GetArrayItem(want, d), *g = cJSON_GetArrayItem(got, d);
		static const char *const fields[] = {"offset", "type", "num_vq", "feature_len",
						     "config_len", "status"};
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			EXPECT(num(w, fields[i]) == num(g, fields[i]), "%s: device[%d].%s %g != %g",
			       file, d, fields[i], num(g, fields[i]), num(w, fields[i]));
		EXPECT(strcmp(str(w, "type_name"), str(g, "type_name")) == 0, "%s: type_name", file);
		EXPECT(strcmp(str(w, "host_features_hex"), str(g, "host_features")) == 0,
		       "%s: device[%d].host_features %s != %s", file, d, str(g, "host_features"),
		       str(w, "host_features_hex"));
		EXPECT(strcmp(str(w, "guest_features_hex"), str(g, "guest_features")) == 0,
		       "%s: device[%d].guest_features", file, d);
		EXPECT(strcmp(str(w, "config_hex"), str(g, "config")) == 0,
		       "%s: device[%d].config %s != %s", file, d, str(g, "config"),
		       str(w, "config_hex"));
		const cJSON *wv = cJSON_GetObjectItemCaseSensitive(w, "vqs");
		const cJSON *gv = cJSON_GetObjectItemCaseSensitive(g, "vqs");
		EXPECT(cJSON_GetArraySize(wv) == cJSON_GetArraySize(gv), "%s: device[%d] vq count",
		       file, d);
		for (int q = 0; q < cJSON_GetArraySize(wv) && q < cJSON_GetArraySize(gv); q++) {
			const cJSON *a = cJSON_GetArrayItem(wv, q), *b = cJSON_GetArrayItem(gv, q);
			EXPECT(num(a, "num") == num(b, "num") && num(a, "irq") == num(b, "irq") &&
				       num(a, "pfn") == num(b, "pfn"),
			       "%s: device[%d].vq[%d] {%g,%g,%g} != {%g,%g,%g}", file, d, q,
			       num(b, "num"), num(b, "irq"), num(b, "pfn"), num(a, "num"),
			       num(a, "irq"), num(a, "pfn"));
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_vectors LGCHECK VECTORS_DIR\n");
		return 2;
	}
	char path[4096], cmd[8192];
	struct stat st;
	if (stat(argv[2], &st) != 0) {
		printf("SKIP: the real-Launcher vectors are not at %s (../shared is absent)\n",
		       argv[2]);
		return 77;
	}
	snprintf(path, sizeof path, "%s/manifest.json", argv[2]);
	char *text = slurp_file(path);
	cJSON *man = text ? cJSON_Parse(text) : NULL;
	EXPECT(cJSON_IsArray(man), "%s: not a JSON array", path);
	int files = 0;
	const cJSON *entry;
	cJSON_ArrayForEach(entry, man)
	{
		const char *name = str(entry, "name");
		static const char *const kinds[] = {"descpage", "devmem"};
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof path, "%s/%s.%s.bin", argv[2], name, kinds[k]);
			snprintf(cmd, sizeof cmd, "'%s' --format json '%s'", argv[1], path);
			int status;
			char *out = slurp_cmd(cmd, &status);
			cJSON *rep = out ? cJSON_Parse(out) : NULL;
			EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: exit status %d",
			       path, WEXITSTATUS(status));
			EXPECT(rep != NULL, "%s: report is not JSON", path);
			if (rep) {
				const cJSON *sum = cJSON_GetObjectItemCaseSensitive(rep, "summary");
				EXPECT(num(sum, "errors") == 0 && num(sum, "warnings") == 0 &&
					       num(sum, "notes") == 0,
				       "%s: %g errors, %g warnings, %g notes", path,
				       num(sum, "errors"), num(sum, "warnings"), num(sum, "notes"));
				const cJSON *page = cJSON_GetObjectItemCaseSensitive(rep, "page");
				char want[32];
				snprintf(want, sizeof want, "%#llx",
					 (unsigned long long)num(entry, "descpage_gpa"));
				EXPECT(strcmp(str(page, "address"), want) == 0,
				       "%s: page at %s, expected %s", path, str(page, "address"), want);
				compare(path,
					cJSON_GetObjectItemCaseSensitive(entry, "devices"),
					cJSON_GetObjectItemCaseSensitive(rep, "devices"));
				int nvq = 0;
				const cJSON *dv;
				cJSON_ArrayForEach(dv, cJSON_GetObjectItemCaseSensitive(entry, "devices"))
					nvq += (int)num(dv, "num_vq");
				const cJSON *unchecked =
					cJSON_GetObjectItemCaseSensitive(sum, "rings_unchecked");
				EXPECT(num(sum, "rings_checked") == (k == 1 ? nvq : 0),
				       "%s: %g rings checked, expected %d", path,
				       num(sum, "rings_checked"), k == 1 ? nvq : 0);
				EXPECT(k == 1 ? cJSON_IsFalse(unchecked) : cJSON_IsTrue(unchecked),
				       "%s: rings_unchecked", path);
			}
			cJSON_Delete(rep);
			free(out);
			files++;
		}
	}
	EXPECT(files == 44, "%d vector files checked, expected 44 (22 configurations x 2)", files);
	cJSON_Delete(man);
	free(text);
	return t_done("test_vectors");
}
