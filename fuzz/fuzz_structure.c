/* fuzz_structure.c - libFuzzer target: structure loader, checker and text view on arbitrary bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kizuna/kizuna.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    kz_diags *d;
    if (kz_diags_create(&d))
        return 0;
    kz_model *m = NULL;
    if (kz_model_load_mem("fuzz.yaml", data, size, &m, d) == KZ_OK) {
        kz_model_check(m, d);
        if (sink)
            kz_model_show(m, -1, sink);
        kz_model_free(m);
    }
    /* Every diagnostic must be printable: exercise the formatting path too. */
    for (size_t i = 0; i < kz_diags_count(d) && sink; i++)
        kz_diag_print(kz_diags_get(d, i), sink);
    kz_diags_destroy(d);
    return 0;
}
