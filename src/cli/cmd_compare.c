/* cmd_compare.c - `kizuna compare` (placeholder: compare still lives in cmd_sim.c). */
#include "cli.h"

/* Keeps this translation unit non-empty until compare moves here. */
extern int kz_cmd_compare_placeholder;
int kz_cmd_compare_placeholder;
