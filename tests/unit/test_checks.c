/* test_checks.c - every rule file in tests/data/check triggers exactly the diagnostics its
 * `# <- error|warning Knnn [col C]` markers name, on those lines (and columns, when a marker
 * gives one); every rule in docs/checks.md has one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/kizuna.h"

#define CHECK_DIR KZ_SOURCE_DIR "/tests/data/check"

struct expect {
    int line, col, code; /* col 0: any column */
    enum kz_severity sev;
    int hit;
};

/* Reads the markers of one file. Returns the count. */
static size_t read_markers(const char *path, struct expect *ex, size_t max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char line[4096];
    size_t n = 0;
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        const char *m = strstr(line, "# <- ");
        if (!m)
            continue;
        char sev[16];
        int code, col = 0;
        int got = sscanf(m + 5, "%15s K%d col %d", sev, &code, &col);
        assert_true(got == 2 || got == 3);
        assert_true(n < max);
        ex[n++] = (struct expect){lineno, col, code,
                                  strcmp(sev, "error") == 0 ? KZ_SEV_ERROR : KZ_SEV_WARNING, 0};
    }
    fclose(f);
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_files(char **names, size_t max)
{
    DIR *dir = opendir(CHECK_DIR);
    assert_non_null(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
            assert_true(n < max);
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(dir);
    qsort(names, n, sizeof *names, cmp_str);
    return n;
}

static void each_rule_file_triggers_its_markers(void **state)
{
    (void)state;
    char *names[200];
    size_t nfiles = list_files(names, 200);
    assert_true(nfiles >= 25);
    for (size_t i = 0; i < nfiles; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CHECK_DIR, names[i]);
        struct expect ex[32];
        size_t nex = read_markers(path, ex, 32);
        kz_diags *d;
        assert_int_equal(kz_diags_create(&d), KZ_OK);
        kz_model *m = NULL;
        int rc = kz_model_load_file(path, &m, d);
        if (rc == KZ_OK)
            rc = kz_model_check(m, d);
        for (size_t k = 0; k < kz_diags_count(d); k++) {
            const struct kz_diag *g = kz_diags_get(d, k);
            int matched = 0;
            for (size_t j = 0; j < nex; j++)
                if (ex[j].line == g->line && ex[j].code == g->code && ex[j].sev == g->severity &&
                    (!ex[j].col || ex[j].col == g->col)) {
                    ex[j].hit = 1;
                    matched = 1;
                }
            if (!matched)
                fail_msg("%s: unexpected diagnostic at %d:%d: [K%03d] %s", names[i], g->line,
                         g->col, g->code, g->msg);
        }
        for (size_t j = 0; j < nex; j++)
            if (!ex[j].hit)
                fail_msg("%s: expected [K%03d] at line %d, not reported", names[i], ex[j].code,
                         ex[j].line);
        /* The return code agrees with what was reported. */
        int errors = 0;
        for (size_t j = 0; j < nex; j++)
            errors |= ex[j].sev == KZ_SEV_ERROR;
        if (errors)
            assert_int_not_equal(rc, KZ_OK);
        else
            assert_int_equal(rc, KZ_OK);
        kz_model_free(m);
        kz_diags_destroy(d);
        free(names[i]);
    }
}

/* Every `### Knnn` in docs/checks.md has a file named Knnn-*.yaml, and vice versa. */
static void every_documented_rule_is_tested(void **state)
{
    (void)state;
    FILE *f = fopen(KZ_SOURCE_DIR "/docs/checks.md", "r");
    assert_non_null(f);
    char line[512];
    int documented[100] = {0}, ndoc = 0;
    while (fgets(line, sizeof line, f)) {
        int code;
        if (sscanf(line, "### K%3d", &code) == 1 && code > 0 && code < 100) {
            documented[code] = 1;
            ndoc++;
        }
    }
    fclose(f);
    assert_true(ndoc >= 25);
    char *names[200];
    size_t nfiles = list_files(names, 200);
    int tested[100] = {0};
    for (size_t i = 0; i < nfiles; i++) {
        int code;
        if (sscanf(names[i], "K%3d-", &code) == 1 && code < 100)
            tested[code] = 1;
        free(names[i]);
    }
    for (int c = 1; c < 100; c++) {
        if (documented[c] && !tested[c])
            fail_msg("K%03d is documented in docs/checks.md but has no tests/data/check file", c);
        if (tested[c] && !documented[c])
            fail_msg("K%03d has a test file but no paragraph in docs/checks.md", c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_rule_file_triggers_its_markers),
        cmocka_unit_test(every_documented_rule_is_tested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
