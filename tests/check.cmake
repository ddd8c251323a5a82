# check.cmake - kizuna check on scenarios against a structure, and the installed tree.
