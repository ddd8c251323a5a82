/* report_validation.h - the validation strip of the report: each case, observed beside the model. */
#ifndef KZ_REPORT_VALIDATION_H
#define KZ_REPORT_VALIDATION_H

#include <stddef.h>

#include "kizuna/validate.h"
#include "report/report_impl.h"

/*
 * Writes an HTML fragment (a <section class="validation"> holding one table, its own
 * <style> included, no script) to `o`: one row per case - id (and "calibration" for a
 * calibration case), date, title, the segment (thread: from -> to, over the structure),
 * the observed figure, the model's p10/p50/p90, and pass, FAIL or "not run" with the
 * case's error - with a small inline SVG bar per case on a common time axis: the observed
 * range as a band, the accepted band as an outline, the model's p10-p90 as a line with a
 * dot at p50. Every text is HTML-escaped; each source is a link. r may be NULL when n is 0
 * (the section then says there are no cases). Write failures are left in `o`.
 */
void rep_validation_html(struct rep_out *o, const struct kz_vcase_result *r, size_t n);

#endif
