/* levers.c - what-if levers and sweep factors over a loaded structure and scenario (placeholder). */
#include <stdio.h>

#include "kizuna/error.h"
#include "kizuna/levers.h"

int kz_levers_open(kz_model *m, kz_scenario *s, kz_levers **out)
{
    (void)m;
    (void)s;
    *out = NULL;
    return KZ_EINVAL;
}
void kz_levers_free(kz_levers *lv) { (void)lv; }
int kz_levers_set(kz_levers *lv, const char *assignment, char *err, size_t errlen)
{
    (void)lv;
    (void)assignment;
    snprintf(err, errlen, "not implemented");
    return KZ_EINVAL;
}
size_t kz_levers_noverrides(const kz_levers *lv) { (void)lv; return 0; }
const char *kz_levers_override(const kz_levers *lv, size_t i) { (void)lv; (void)i; return NULL; }
size_t kz_levers_npaths(const kz_levers *lv) { (void)lv; return 0; }
const char *kz_levers_path(const kz_levers *lv, size_t i) { (void)lv; (void)i; return NULL; }
size_t kz_levers_nfactors(const kz_levers *lv) { (void)lv; return 0; }
const struct kz_factor *kz_levers_factor(const kz_levers *lv, size_t i) { (void)lv; (void)i; return NULL; }
size_t kz_levers_nqualitative(const kz_levers *lv) { (void)lv; return 0; }
int kz_levers_factor_set(kz_levers *lv, size_t i, double v) { (void)lv; (void)i; (void)v; return KZ_EINVAL; }
void kz_levers_factor_reset(kz_levers *lv) { (void)lv; }
