/* exercise.c - placeholder. */
#include "kizuna/live.h"
