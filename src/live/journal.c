/* journal.c - placeholder. */
#include "kizuna/live.h"
