/* fuzz_scenario.c - libFuzzer target: scenario loader, binding to a structure, and a short run. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kizuna/kizuna.h"
#include "kizuna/sim.h"
#include "scenario/scenario_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The structure every input is bound to: the simulator's test structure. */
static kz_model *model(void)
{
    static kz_model *m;
    if (!m) {
        kz_diags *d;
        if (kz_diags_create(&d))
            return NULL;
        if (kz_model_load_file(KZ_SOURCE_DIR "/tests/data/sim/line.yaml", &m, d))
            m = NULL;
        kz_diags_destroy(d);
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    kz_diags *d;
    if (kz_diags_create(&d))
        return 0;
    kz_scenario *s = NULL;
    kz_model *m = model();
    if (kz_scenario_load_mem("fuzz.yaml", data, size, &s, d) == KZ_OK && m &&
        kz_scenario_bind_check(s, m, d) == KZ_OK) {
        /* keep each input short: a few simulated hours, little background load */
        double load = 0;
        for (size_t i = 0; i < s->nbg; i++)
            load += s->bg[i].rate_per_s * s->horizon + (double)s->bg[i].nat;
        if (load < 1e4 && s->horizon <= 86400) {
            struct kz_sim_options o = {2, 1, true, 1, true, NULL, NULL};
            kz_sim_result *r = NULL;
            char err[256];
            if (kz_sim_run(m, s, &o, &r, err, sizeof err) == KZ_OK)
                kz_sim_result_free(r);
            if (sink)
                (void)kz_sim_trace(m, s, 1, 0, sink, err, sizeof err);
        }
        kz_scenario_free(s);
    } else {
        kz_scenario_free(s);
    }
    for (size_t i = 0; i < kz_diags_count(d) && sink; i++)
        kz_diag_print(kz_diags_get(d, i), sink);
    kz_diags_destroy(d);
    return 0;
}
