# live.cmake - live network tests (filled in below).
