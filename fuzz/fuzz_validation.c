/* fuzz_validation.c - libFuzzer target: the validation loader, and its cases run when they name
 * only shipped data. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kizuna/kizuna.h"
#include "kizuna/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    kz_diags *d;
    if (kz_diags_create(&d))
        return 0;
    kz_validation *v = NULL;
    if (kz_validation_load_mem("fuzz.yaml", data, size, &v, d) == KZ_OK) {
        if (kz_validation_ncases(v) == 0 || !kz_validation_title(v) || !kz_validation_file(v))
            __builtin_trap(); /* a loaded file has cases, a title and a name */
        /* The cases run on shipped names only (never a path to a device or a file outside the
         * data), two replications each, while the input is small. */
        if (size < 8192) {
            struct kz_validate_options o = {.runs = 2, .threads = 1, .shipped_only = true};
            struct kz_vcase_result *r = NULL;
            size_t n = 0;
            int rc = kz_validation_run(v, &o, &r, &n, d);
            if (rc != KZ_ENOMEM && n != kz_validation_ncases(v))
                __builtin_trap(); /* one result per case, run or not */
            for (size_t i = 0; i < n; i++)
                if ((r[i].pass && r[i].error) || !r[i].id || r[i].nsources == 0)
                    __builtin_trap();
            kz_vcase_results_free(r, n);
        }
        kz_validation_free(v);
    }
    for (size_t i = 0; i < kz_diags_count(d) && sink; i++)
        kz_diag_print(kz_diags_get(d, i), sink);
    kz_diags_destroy(d);
    return 0;
}
