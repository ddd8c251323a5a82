/* scenario_check.h - the checks of a scenario's own references, alone or bound to a structure. */
#ifndef KZ_SCENARIO_CHECK_H
#define KZ_SCENARIO_CHECK_H

#include "kizuna/diag.h"
#include "scenario/scenario_impl.h"

/*
 * The rules a scenario can break within itself, once it has loaded:
 *  - K010 two steps of one thread with the same id;
 *  - K041 an `order` without `by` whose decision no earlier `decide` step of the
 *    thread takes (the decider is missing), reported at the order's decision.
 * With a structure `m` (may be NULL), an order or decide step whose decision the
 * structure lacks is left to plan_build's K040, which points at the wrong id: the
 * order is then not blamed for a decide step's misspelt decision. Without one, the
 * K041 message names the decisions the thread's earlier decide steps do take and
 * their lines, so both candidates for the mistake are in view.
 * Returns 0, KZ_ECHECK (diagnostics added) or KZ_ENOMEM.
 */
int sc_check_refs(const struct kz_scenario *s, const struct kz_model *m, kz_diags *d);

#endif
