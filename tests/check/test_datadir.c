/* test_datadir.c - kz_data_path: $KIZUNA_DATA first and alone, then the install or source tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kizuna/data.h"
#include "kizuna/error.h"

static void env_overrides_and_is_alone(void **state)
{
    (void)state;
    char buf[4096], err[512];
    setenv(KZ_DATA_ENV, KZ_SOURCE_DIR "/tests/data", 1);
    assert_int_equal(kz_data_path("example.yaml", buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, KZ_SOURCE_DIR "/tests/data/example.yaml");
    assert_int_equal(kz_data_path("", buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, KZ_SOURCE_DIR "/tests/data");
    /* not there: no fall-back to the other places, and the error says where it looked */
    assert_int_equal(kz_data_path("structures/jfhq.yaml", buf, sizeof buf, err, sizeof err),
                     KZ_ENOTFOUND);
    assert_string_equal(buf, "");
    assert_non_null(strstr(err, "KIZUNA_DATA=" KZ_SOURCE_DIR "/tests/data"));
    unsetenv(KZ_DATA_ENV);
}

static void found_without_env(void **state)
{
    (void)state;
    char buf[4096], err[512];
    unsetenv(KZ_DATA_ENV);
    setenv(KZ_DATA_ENV, "", 1); /* empty counts as unset */
    assert_int_equal(kz_data_path("structures/jfhq.yaml", buf, sizeof buf, err, sizeof err), 0);
    size_t n = strlen(buf), k = strlen("/structures/jfhq.yaml");
    assert_true(n > k && !strcmp(buf + n - k, "/structures/jfhq.yaml"));
    struct stat st;
    assert_int_equal(stat(buf, &st), 0);
    assert_int_equal(kz_data_path("structures/no-such.yaml", buf, sizeof buf, err, sizeof err),
                     KZ_ENOTFOUND);
    assert_non_null(strstr(err, "'structures/no-such.yaml' is in none of"));
    assert_non_null(strstr(err, "set KIZUNA_DATA"));
    unsetenv(KZ_DATA_ENV);
}

static void bad_arguments(void **state)
{
    (void)state;
    char buf[4096], small[8];
    assert_int_equal(kz_data_path("/etc/passwd", buf, sizeof buf, NULL, 0), KZ_EINVAL);
    assert_int_equal(kz_data_path("../CMakeLists.txt", buf, sizeof buf, NULL, 0), KZ_EINVAL);
    assert_int_equal(kz_data_path("structures/../../x", buf, sizeof buf, NULL, 0), KZ_EINVAL);
    assert_int_equal(kz_data_path(NULL, buf, sizeof buf, NULL, 0), KZ_EINVAL);
    assert_int_equal(kz_data_path("x", NULL, 0, NULL, 0), KZ_EINVAL);
    setenv(KZ_DATA_ENV, KZ_SOURCE_DIR "/tests/data", 1);
    assert_int_equal(kz_data_path("example.yaml", small, sizeof small, NULL, 0), KZ_ELIMIT);
    unsetenv(KZ_DATA_ENV);
    /* "..." inside a name is no parent directory */
    setenv(KZ_DATA_ENV, KZ_SOURCE_DIR, 1);
    assert_int_equal(kz_data_path("tests/..data", buf, sizeof buf, NULL, 0), KZ_ENOTFOUND);
    unsetenv(KZ_DATA_ENV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(env_overrides_and_is_alone),
        cmocka_unit_test(found_without_env),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
